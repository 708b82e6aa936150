import { randomBytes } from 'node:crypto';
import { closeSync, fstatSync, openSync, readFileSync, statSync, type Stats } from 'node:fs';
import { link, lstat, mkdir, open, readFile, rename, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';

import { decodeBase64Strict, encodeBase64 } from './base64.js';
import { KeyProviderError } from './errors.js';
import { kekIdOf, type KeyProvider } from './key-provider.js';
import { KEY_BYTES, randomUint8Array } from './random.js';

const KEY_FILE_FORMAT = 'coffre-master-keys/1';

/** One KEK as stored in the key file. */
interface KeyFileEntry {
  id: string;
  /** Standard base64 of the 32-byte KEK. */
  key: string;
  /** RFC 3339 time at which the key was generated. */
  createdAt: string;
}

/** The key file's JSON document. */
interface KeyFileDocument {
  format: typeof KEY_FILE_FORMAT;
  current: string;
  keys: KeyFileEntry[];
}

/** A validated key file: its document, kept for rewriting, and its decoded keys. */
interface LoadedKeyFile {
  document: KeyFileDocument;
  keks: Map<string, Uint8Array>;
}

/**
 * Opens the master key file at `path` and returns a provider of its KEKs. When the file is
 * missing and `create` is true, it first creates the file with one new random KEK (mode
 * 0600, parent folders mode 0700). Throws KeyProviderError naming the file and the fix when
 * it is missing (and `create` is false), readable or writable by group or others, or
 * malformed. A malformed file is never replaced, because data wrapped by its keys would
 * become unreadable.
 *
 * The provider follows the file while the process runs, so a vault keeps serving through a
 * key rotation that another process makes. `currentKekId()` re-reads the file when its
 * size, time or inode changed. `getKek()` re-reads it before it reports an unknown KEK.
 * A re-read that fails keeps the keys already loaded, and the next call tries again.
 */
export async function openFileKeyProvider(path: string, options: { create: boolean }): Promise<KeyProvider> {
  if (options.create) {
    await createKeyFileIfMissing(path);
  }
  // The version is taken before the read, so a change made during the read is re-read later.
  let version = fileVersion(path);
  let loaded = await readKeyFile(path);

  const refresh = (): void => {
    const latest = fileVersion(path);
    if (latest === undefined || latest === version) {
      return;
    }
    try {
      loaded = readKeyFileSync(path);
      version = latest;
    } catch {
      // NOTE: a file that became unreadable or invalid is reported only when the process
      // restarts. Until then the provider keeps the keys it loaded, which still open the data.
    }
  };

  return {
    currentKekId(): string {
      refresh();
      return loaded.document.current;
    },
    getKek(kekId: string): Uint8Array {
      if (!loaded.keks.has(kekId)) {
        refresh();
      }
      const kek = loaded.keks.get(kekId);
      if (kek === undefined) {
        throw new KeyProviderError(
          `KEK "${kekId}" is not in master key file ${path}. Restore the file from a backup ` +
            'that contains this key (a retired key is kept only in the copies made before its retirement).',
        );
      }
      return kek.slice();
    },
    kekIds(): string[] {
      refresh();
      return [...loaded.keks.keys()];
    },
  };
}

/** Size, modification time and inode of the file, or undefined when it cannot be read. */
function fileVersion(path: string): string | undefined {
  try {
    const stats = statSync(path);
    return `${stats.ino}:${stats.size}:${stats.mtimeMs}`;
  } catch {
    return undefined;
  }
}

/**
 * Adds a new random KEK to the existing key file at `path`, makes it current and returns
 * its id. The file is replaced atomically (temporary file, fsync, rename), keeps mode 0600,
 * and keeps the old keys so that values they wrap stay readable until re-wrapped. A lock
 * file beside it makes a concurrent rotation fail instead of losing a key.
 */
export async function addKekToFile(path: string): Promise<string> {
  return updateKeyFile(path, 'add a key to', (document) => {
    const entry = newKeyEntry();
    return { document: { ...document, current: entry.id, keys: [...document.keys, entry] }, result: entry.id };
  });
}

/**
 * Removes a retired KEK from the key file at `path`, atomically and under the same lock as
 * `addKekToFile`. Values it wrapped can no longer be opened with this file, so call it only
 * once nothing depends on the key. Removing a key that is not in the file does nothing.
 * Throws KeyProviderError when `kekId` is the current key.
 */
export async function removeKekFromFile(path: string, kekId: string): Promise<void> {
  await updateKeyFile(path, 'remove a key from', (document) => {
    if (document.current === kekId) {
      throw new KeyProviderError(`KEK "${kekId}" is the current key of master key file ${path}, so it cannot be removed.`);
    }
    return { document: { ...document, keys: document.keys.filter((entry) => entry.id !== kekId) }, result: undefined };
  });
}

async function updateKeyFile<T>(
  path: string,
  action: string,
  change: (document: KeyFileDocument) => { document: KeyFileDocument; result: T },
): Promise<T> {
  const lockPath = `${path}.lock`;
  await acquireLock(path, lockPath, action);
  try {
    const { document } = await readKeyFile(path);
    const updated = change(document);
    if (updated.document !== document) {
      await writeKeyFile(path, serialize(updated.document), 'replace');
    }
    return updated.result;
  } finally {
    await unlink(lockPath);
  }
}

async function createKeyFileIfMissing(path: string): Promise<void> {
  if (await pathExists(path)) {
    return;
  }
  const entry = newKeyEntry();
  const document: KeyFileDocument = { format: KEY_FILE_FORMAT, current: entry.id, keys: [entry] };
  try {
    await mkdir(dirname(path), { recursive: true, mode: 0o700 });
    await writeKeyFile(path, serialize(document), 'create');
  } catch (error) {
    throw new KeyProviderError(
      `Failed to create master key file ${path}: ${describeFsError(error)}. ` +
        'Check that its folder is writable by this process, or create the file elsewhere.',
      { cause: error },
    );
  }
}

/** Returns false only when nothing exists at `path`; other errors are left to the reader. */
async function pathExists(path: string): Promise<boolean> {
  try {
    await lstat(path);
    return true;
  } catch (error) {
    return errorCode(error) !== 'ENOENT';
  }
}

function newKeyEntry(): KeyFileEntry {
  const kek = randomUint8Array(KEY_BYTES);
  const entry = { id: kekIdOf(kek), key: encodeBase64(kek), createdAt: new Date().toISOString() };
  kek.fill(0);
  return entry;
}

function serialize(document: KeyFileDocument): string {
  return `${JSON.stringify(document, null, 2)}\n`;
}

/**
 * Writes `content` to a temporary file (mode 0600) beside `path` and moves it into place.
 * 'create' uses link(), which fails with EEXIST instead of overwriting a file that another
 * process created meanwhile, and that case counts as success. 'replace' uses rename().
 */
async function writeKeyFile(path: string, content: string, mode: 'create' | 'replace'): Promise<void> {
  const temporaryPath = `${path}.${randomBytes(8).toString('hex')}.tmp`;
  const handle = await open(temporaryPath, 'wx', 0o600);
  try {
    await handle.writeFile(content, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }

  try {
    if (mode === 'replace') {
      await rename(temporaryPath, path);
    } else {
      await linkUnlessExists(temporaryPath, path);
      await unlink(temporaryPath);
    }
  } catch (error) {
    await unlink(temporaryPath).catch(() => undefined);
    throw error;
  }
  await syncFolder(dirname(path));
}

async function linkUnlessExists(existingPath: string, newPath: string): Promise<void> {
  try {
    await link(existingPath, newPath);
  } catch (error) {
    if (errorCode(error) !== 'EEXIST') {
      throw error;
    }
  }
}

/** Flushes a folder's entries, so that a created or renamed file survives a crash. */
async function syncFolder(folder: string): Promise<void> {
  const handle = await open(folder, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Creates the lock file, which holds the owner's process id. A lock left by a process that
 * no longer runs on this machine (killed during a rotation) is removed and taken over.
 */
async function acquireLock(path: string, lockPath: string, action: string): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      const handle = await open(lockPath, 'wx', 0o600);
      try {
        await handle.writeFile(`${process.pid}\n`, 'utf8');
      } finally {
        await handle.close();
      }
      return;
    } catch (error) {
      if (errorCode(error) === 'EEXIST' && attempt === 0 && (await isStaleLock(lockPath))) {
        await unlink(lockPath).catch(() => undefined);
        continue;
      }
      const reason =
        errorCode(error) === 'EEXIST'
          ? `lock file ${lockPath} exists, so another key rotation may be running. ` +
            'Remove the lock file if no rotation is running, then retry'
          : `failed to create lock file ${lockPath}: ${describeFsError(error)}`;
      throw new KeyProviderError(`Failed to ${action} master key file ${path}: ${reason}.`, { cause: error });
    }
  }
}

/** Returns true when the lock file names a process id that no process on this machine has. */
async function isStaleLock(lockPath: string): Promise<boolean> {
  let pid: number;
  try {
    pid = Number.parseInt(await readFile(lockPath, 'utf8'), 10);
  } catch {
    return false;
  }
  if (!Number.isSafeInteger(pid) || pid <= 0) {
    return false;
  }
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    // NOTE: on a key file shared by several machines, the lock may name a process of
    // another machine, which this check cannot see. Such a lock must be removed by hand.
    return errorCode(error) === 'ESRCH';
  }
}

/** Reads, permission-checks and validates the key file. */
async function readKeyFile(path: string): Promise<LoadedKeyFile> {
  let text: string;
  try {
    const handle = await open(path, 'r');
    try {
      checkKeyFileStats(path, await handle.stat());
      text = await handle.readFile('utf8');
    } finally {
      await handle.close();
    }
  } catch (error) {
    throw describeReadError(path, error);
  }
  return parseKeyFile(path, text);
}

/** Reads the key file as readKeyFile does, synchronously, for the provider's re-reads. */
function readKeyFileSync(path: string): LoadedKeyFile {
  let text: string;
  try {
    const descriptor = openSync(path, 'r');
    try {
      checkKeyFileStats(path, fstatSync(descriptor));
      text = readFileSync(descriptor, 'utf8');
    } finally {
      closeSync(descriptor);
    }
  } catch (error) {
    throw describeReadError(path, error);
  }
  return parseKeyFile(path, text);
}

function checkKeyFileStats(path: string, stats: Stats): void {
  if (!stats.isFile()) {
    throw new KeyProviderError(`Master key file ${path} is not a regular file. Point to the key file itself.`);
  }
  if ((stats.mode & 0o077) !== 0) {
    const mode = (stats.mode & 0o777).toString(8).padStart(4, '0');
    throw new KeyProviderError(
      `Master key file ${path} has mode ${mode}, which gives group or others access. ` +
        `Restrict it with \`chmod 600 ${path}\`, and find out who could have read it.`,
    );
  }
}

function describeReadError(path: string, error: unknown): KeyProviderError {
  if (error instanceof KeyProviderError) {
    return error;
  }
  if (errorCode(error) === 'ENOENT') {
    return new KeyProviderError(
      `Master key file ${path} does not exist. Restore it from a backup if data was ` +
        'encrypted with it; otherwise open it with `create` enabled to generate a new key.',
      { cause: error },
    );
  }
  return new KeyProviderError(
    `Failed to read master key file ${path}: ${describeFsError(error)}. ` +
      'Check that the file and its folders are readable by the user running this process.',
    { cause: error },
  );
}

function parseKeyFile(path: string, text: string): LoadedKeyFile {
  const invalid = (problem: string): KeyProviderError =>
    new KeyProviderError(
      `Master key file ${path} is invalid: ${problem}. Restore it from a backup. Do not ` +
        'replace it with a new key, because data wrapped by its keys could no longer be decrypted.',
    );

  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    // The parser's message can quote the file's text, which contains keys, so it is dropped.
    throw invalid('it is not valid JSON');
  }
  if (!isRecord(parsed)) {
    throw invalid('it is not a JSON object');
  }
  if (parsed['format'] !== KEY_FILE_FORMAT) {
    throw invalid(`"format" is not "${KEY_FILE_FORMAT}"`);
  }
  const entries = parsed['keys'];
  if (!Array.isArray(entries) || entries.length === 0) {
    throw invalid('"keys" is not a non-empty array');
  }

  const keks = new Map<string, Uint8Array>();
  entries.forEach((entry: unknown, index) => {
    const field = `keys[${index}]`;
    if (!isRecord(entry) || typeof entry['id'] !== 'string' || typeof entry['key'] !== 'string') {
      throw invalid(`${field} is not an object with string "id" and "key"`);
    }
    if (typeof entry['createdAt'] !== 'string') {
      throw invalid(`${field}.createdAt is missing or not a string`);
    }
    const kek = decodeBase64Strict(entry['key']);
    if (kek === undefined || kek.length !== KEY_BYTES) {
      throw invalid(`${field}.key is not the base64 encoding of ${KEY_BYTES} bytes`);
    }
    const expectedId = kekIdOf(kek);
    if (entry['id'] !== expectedId) {
      throw invalid(`${field}.id is "${entry['id']}" but its key has id "${expectedId}"`);
    }
    if (keks.has(expectedId)) {
      throw invalid(`${field} repeats key "${expectedId}"`);
    }
    keks.set(expectedId, kek);
  });

  const current = parsed['current'];
  if (typeof current !== 'string' || !keks.has(current)) {
    throw invalid('"current" is not the id of one of its keys');
  }
  return { document: parsed as unknown as KeyFileDocument, keks };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function errorCode(error: unknown): string | undefined {
  return isRecord(error) && typeof error['code'] === 'string' ? error['code'] : undefined;
}

function describeFsError(error: unknown): string {
  return errorCode(error) ?? (error instanceof Error ? error.message : String(error));
}
