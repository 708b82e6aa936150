import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** Format of the manifest written beside each dump. */
export const BACKUP_MANIFEST_FORMAT = 'coffre-backup/1';

/** Manifest of a dump: its size, checksum and the KEK ids it needs, and never a key. */
export interface BackupManifest {
  format: typeof BACKUP_MANIFEST_FORMAT;
  createdAt: string;
  dumpFile: string;
  sizeBytes: number;
  sha256: string;
  /** KEKs that wrapped the keys in the database when the dump started and ended: a restore needs them. */
  kekIds: string[];
  pgDumpVersion: string;
}

/** The files of one backup, named after its UTC start time. */
export interface BackupFiles {
  dump: string;
  checksum: string;
  manifest: string;
}

const DUMP_NAME = /^coffre-\d{8}T\d{6}Z\.dump$/;

/** Returns the file names of a backup made at `now` in `folder`, such as coffre-20261204T221500Z.dump. */
export function backupFilesAt(folder: string, now: Date): BackupFiles {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}Z$/, 'Z');
  const dump = path.join(folder, `coffre-${stamp}.dump`);
  return { dump, checksum: `${dump}.sha256`, manifest: dump.replace(/\.dump$/, '.json') };
}

/** Returns the files of the backup that `target` names: a dump file, or the newest dump of a folder. */
export async function findBackup(target: string): Promise<BackupFiles> {
  let dump = target;
  if ((await stat(target)).isDirectory()) {
    const names = (await readdir(target)).filter((name) => DUMP_NAME.test(name)).sort();
    const newest = names.at(-1);
    if (newest === undefined) {
      throw new Error(`no backup found in ${target} (no coffre-YYYYMMDDTHHMMSSZ.dump file). Name the folder that npm run backup wrote to.`);
    }
    dump = path.join(target, newest);
  }
  return { dump, checksum: `${dump}.sha256`, manifest: dump.replace(/\.dump$/, '.json') };
}

/** Computes the SHA-256 of a file as lowercase hex, reading it as a stream. */
export async function sha256OfFile(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Writes the checksum file in the format of `sha256sum`, so `sha256sum -c` checks it too. */
export async function writeChecksumFile(files: BackupFiles, sha256: string): Promise<void> {
  await writeFile(files.checksum, `${sha256}  ${path.basename(files.dump)}\n`, { mode: 0o600, flag: 'wx' });
}

/**
 * Compares the dump's SHA-256 with its checksum file and returns it. Throws naming both
 * values when they differ, or when the checksum file is missing or malformed.
 */
export async function verifyChecksum(files: BackupFiles): Promise<string> {
  let line: string;
  try {
    line = await readFile(files.checksum, 'utf8');
  } catch (error) {
    throw new Error(`checksum file ${files.checksum} cannot be read (${(error as NodeJS.ErrnoException).code ?? 'read failed'}); copy it from where the backup was made`, { cause: error });
  }
  const match = /^([0-9a-f]{64}) [ *](.+)\n?$/.exec(line);
  if (match === null || match[2] !== path.basename(files.dump)) {
    throw new Error(`checksum file ${files.checksum} is not one "SHA256  ${path.basename(files.dump)}" line as npm run backup writes it`);
  }
  const actual = await sha256OfFile(files.dump);
  if (actual !== match[1]) {
    throw new Error(`${files.dump} has SHA-256 ${actual}, but ${files.checksum} expects ${match[1]}: the file is damaged or incomplete; restore another backup`);
  }
  return actual;
}

export async function writeManifest(files: BackupFiles, manifest: BackupManifest): Promise<void> {
  await writeFile(files.manifest, `${JSON.stringify(manifest, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
}

/** Reads the manifest, or returns null when the backup has none. */
export async function readManifest(files: BackupFiles): Promise<BackupManifest | null> {
  try {
    return JSON.parse(await readFile(files.manifest, 'utf8')) as BackupManifest;
  } catch {
    return null;
  }
}
