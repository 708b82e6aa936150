import { randomBytes } from 'node:crypto';
import { link, lstat, mkdir, open, rename, unlink } from 'node:fs/promises';
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
 * 0600, parent folders mode 0700). The file is read once, so a process started before a
 * rotation does not see the new key until it restarts. Throws KeyProviderError naming the
 * file and the fix when it is missing (and `create` is false), readable or writable by
 * group or others, or malformed. A malformed file is never replaced, because data wrapped
 * by its keys would become unreadable.
 */
export async function openFileKeyProvider(path: string, options: { create: boolean }): Promise<KeyProvider> {
  if (options.create) {
    await createKeyFileIfMissing(path);
  }
  const loaded = await readKeyFile(path);
  const current = loaded.document.current;

  return {
    currentKekId: () => current,
    getKek(kekId: string): Uint8Array {
      const kek = loaded.keks.get(kekId);
      if (kek === undefined) {
        throw new KeyProviderError(
          `KEK "${kekId}" is not in master key file ${path}. Restore the file from a backup ` +
            'that contains this key, or restart the process if a key rotation added it.',
        );
      }
      return kek.slice();
    },
    kekIds: () => [...loaded.keks.keys()],
  };
}

/**
 * Adds a new random KEK to the existing key file at `path`, makes it current and returns
 * its id. The file is replaced atomically (temporary file, fsync, rename), keeps mode 0600,
 * and keeps the old keys so that values they wrap stay readable until re-wrapped. A lock
 * file beside it makes a concurrent rotation fail instead of losing a key.
 */
export async function addKekToFile(path: string): Promise<string> {
  const lockPath = `${path}.lock`;
  await acquireLock(path, lockPath);
  try {
    const { document } = await readKeyFile(path);
    const entry = newKeyEntry();
    const updated: KeyFileDocument = { ...document, current: entry.id, keys: [...document.keys, entry] };
    await writeKeyFile(path, serialize(updated), 'replace');
    return entry.id;
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

async function acquireLock(path: string, lockPath: string): Promise<void> {
  try {
    const handle = await open(lockPath, 'wx', 0o600);
    await handle.close();
  } catch (error) {
    const reason =
      errorCode(error) === 'EEXIST'
        ? `lock file ${lockPath} exists, so another key rotation may be running. ` +
          'Remove the lock file if no rotation is running, then retry'
        : `failed to create lock file ${lockPath}: ${describeFsError(error)}`;
    throw new KeyProviderError(`Failed to add a key to master key file ${path}: ${reason}.`, { cause: error });
  }
}

/** Reads, permission-checks and validates the key file. */
async function readKeyFile(path: string): Promise<LoadedKeyFile> {
  let text: string;
  try {
    const handle = await open(path, 'r');
    try {
      const stats = await handle.stat();
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
      text = await handle.readFile('utf8');
    } finally {
      await handle.close();
    }
  } catch (error) {
    if (error instanceof KeyProviderError) {
      throw error;
    }
    if (errorCode(error) === 'ENOENT') {
      throw new KeyProviderError(
        `Master key file ${path} does not exist. Restore it from a backup if data was ` +
          'encrypted with it; otherwise open it with `create` enabled to generate a new key.',
        { cause: error },
      );
    }
    throw new KeyProviderError(
      `Failed to read master key file ${path}: ${describeFsError(error)}. ` +
        'Check that the file and its folders are readable by the user running this process.',
      { cause: error },
    );
  }
  return parseKeyFile(path, text);
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
