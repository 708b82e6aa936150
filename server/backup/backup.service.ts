import { chmod, mkdir, open, rename, stat, unlink } from 'node:fs/promises';
import path from 'node:path';

import type { Config } from '../config/config.js';
import { resolveDatabase } from '../db/bootstrap.js';
import { openDatabase } from '../db/pool.js';
import { countKekUsage, kekIdsInUse } from '../keys/kek-usage.repository.js';
import { BackupRefusedError } from './backup-refused.js';
import { BACKUP_MANIFEST_FORMAT, backupFilesAt, sha256OfFile, writeChecksumFile, writeManifest, type BackupFiles, type BackupManifest } from './backup-files.js';
import { postgresToolVersion, runPostgresTool } from './postgres-tools.js';

/** Result of a backup: its files, its manifest and how long the dump took. */
export interface BackupResult {
  files: BackupFiles;
  manifest: BackupManifest;
  durationMs: number;
}

/**
 * Backs up the vault's database (DATABASE_URL, or the embedded server, started and stopped
 * when the vault is not running) into `folder` with `pg_dump --format=custom`, as the owner
 * role. pg_dump reads one snapshot, so the backup is consistent while the vault serves.
 * Beside the dump it writes its SHA-256 (sha256sum format) and a manifest with the KEK ids
 * a restore needs. It never writes a key. It rejects a folder that contains or sits beside
 * the master key file, because a backup stored with its key opens every document.
 */
export async function backupVault(config: Config, folder: string, now = new Date()): Promise<BackupResult> {
  const resolvedFolder = path.resolve(folder);
  rejectFolderBesideKey(config, resolvedFolder);
  await mkdir(resolvedFolder, { recursive: true, mode: 0o700 });
  const files = backupFilesAt(resolvedFolder, now);
  const partial = `${files.dump}.partial`;

  const started = Date.now();
  const target = await resolveDatabase(config);
  try {
    const kekIdsBefore = await readKekIds(target.ownerUrl, config);
    // Created here with mode 0600, so pg_dump, which truncates it, never makes it readable by others.
    await (await open(partial, 'wx', 0o600)).close();
    try {
      // Level 1: the data is ciphertext, which zlib barely shrinks. Measured with
      // npm run bench:backup (120 documents, 144 MiB), level 1 halved the time of the
      // default level (18.8 s against 36.1 s) for a 3 % larger dump.
      await runPostgresTool('pg_dump', target.ownerUrl, ['--format=custom', '--compress=1', `--file=${partial}`]);
      await chmod(partial, 0o600);
      await rename(partial, files.dump);
    } catch (error) {
      await unlink(partial).catch(() => undefined);
      throw error;
    }
    const kekIdsAfter = await readKekIds(target.ownerUrl, config);

    const manifest: BackupManifest = {
      format: BACKUP_MANIFEST_FORMAT,
      createdAt: now.toISOString(),
      dumpFile: path.basename(files.dump),
      sizeBytes: (await stat(files.dump)).size,
      sha256: await sha256OfFile(files.dump),
      kekIds: [...new Set([...kekIdsBefore, ...kekIdsAfter])].sort(),
      pgDumpVersion: await postgresToolVersion('pg_dump'),
    };
    await writeChecksumFile(files, manifest.sha256);
    await writeManifest(files, manifest);
    return { files, manifest, durationMs: Date.now() - started };
  } finally {
    await target.stop();
  }
}

function rejectFolderBesideKey(config: Config, folder: string): void {
  if (config.masterKey.base64 !== undefined) return;
  const keyFile = config.masterKey.file;
  const keyFolder = path.dirname(keyFile);
  if (isInside(keyFile, folder) || isInside(folder, keyFolder)) {
    throw new BackupRefusedError(
      `backup folder ${folder} would hold the master key file ${keyFile} or sit beside it, and a backup stored with its key ` +
        'opens every document. Write backups to another volume than the key file.',
    );
  }
}

function isInside(child: string, parent: string): boolean {
  const relative = path.relative(parent, child);
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
}

async function readKekIds(ownerUrl: string, config: Config): Promise<string[]> {
  const { db } = openDatabase({ url: ownerUrl, max: 1, connectTimeoutMs: config.database.connectTimeoutMs, applicationName: 'coffre-backup' });
  try {
    return kekIdsInUse(await countKekUsage(db));
  } finally {
    await db.destroy();
  }
}
