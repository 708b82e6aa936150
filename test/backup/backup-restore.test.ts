import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { copyFile, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { libpqEnv } from '../../server/backup/libpq-env.js';
import { SPECIMENS, fixture, getBytes, uploadSpecimen } from '../documents/document-api.js';
import { createEmptyDatabase, runtimeUrlFor } from '../support/empty-database.js';
import { signIn } from '../support/sign-in.js';
import { startTestVault, type TestVault } from '../support/test-vault.js';
import { runCommand, type VaultSettings } from '../keys/key-cli.js';

// The restore drill: a populated vault is backed up, its database dropped, the
// backup restored into an empty database with the master key, and a vault
// started on it serves every document byte-identical with a valid audit chain.

const execFileAsync = promisify(execFile);
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

interface StoredDocument {
  person: 'camille' | 'dominique';
  id: string;
  sha256: string;
}

let vault: TestVault;
let port: string;
let dataDir: string;
let originalUrl: string;
let backupDir: string;
let restored: { name: string; url: string; drop(): Promise<void> };
const accountIds = new Map<string, string>();
const documents: StoredDocument[] = [];
const cleanup: Array<() => Promise<void>> = [];

function onDatabase(databaseUrl: string, env: Record<string, string> = {}): VaultSettings {
  return { databaseUrl, dataDir, env };
}

beforeAll(async () => {
  vault = await startTestVault();
  port = new URL(vault.url).port;
  dataDir = vault.dataDir;
  originalUrl = vault.databaseUrl;
  for (const person of ['camille', 'dominique'] as const) {
    const session = await signIn(vault, person);
    accountIds.set(person, session.accountId);
    const specimens = person === 'camille' ? SPECIMENS : SPECIMENS.slice(0, 2);
    for (const specimen of specimens) {
      const created = await uploadSpecimen(vault, session, specimen.file, specimen.category);
      documents.push({ person, id: created.id, sha256: sha256(fixture(specimen.file)) });
    }
  }
  // Stopped but not destroyed: the drill drops the database itself.
  await vault.stop();
  backupDir = await mkdtemp(path.join(os.tmpdir(), 'coffre-backup-'));
  restored = await createEmptyDatabase();
  cleanup.push(() => restored.drop(), () => rm(backupDir, { recursive: true, force: true }));
});

afterAll(async () => {
  for (const step of cleanup.reverse()) await step().catch(() => undefined);
  await vault?.destroy();
});

/** Lists every file under `folder`, recursively. */
async function filesUnder(folder: string): Promise<string[]> {
  const entries = await readdir(folder, { withFileTypes: true, recursive: true });
  return entries.filter((entry) => entry.isFile()).map((entry) => path.join(entry.parentPath, entry.name));
}

async function dropDatabase(databaseUrl: string): Promise<void> {
  const name = libpqEnv(databaseUrl).PGDATABASE!;
  const admin = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await admin.connect();
  try {
    await admin.query('select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()', [name]);
    await admin.query(`drop database ${name}`);
  } finally {
    await admin.end();
  }
}

async function tableCount(databaseUrl: string): Promise<number> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query("select count(*)::int as count from pg_tables where schemaname = 'public'");
    return rows[0].count as number;
  } finally {
    await client.end();
  }
}

describe('npm run backup', () => {
  it('writes a dump, its SHA-256 and a manifest', async () => {
    const result = await runCommand(onDatabase(originalUrl), 'backup.ts', [backupDir]);

    expect(result.code, result.stderr).toBe(0);
    const output = JSON.parse(result.stdout) as { dumpPath: string; sha256: string; sizeBytes: number; kekIds: string[] };
    const names = (await readdir(backupDir)).sort();
    expect(names).toHaveLength(3);
    expect(names[0]).toMatch(/^coffre-\d{8}T\d{6}Z\.dump$/);
    expect(names[1]).toBe(`${names[0]}.sha256`);
    expect(names[2]).toBe(names[0]!.replace(/\.dump$/, '.json'));
    expect(await readFile(path.join(backupDir, names[1]!), 'utf8')).toBe(`${output.sha256}  ${names[0]}\n`);
    expect(sha256(await readFile(output.dumpPath))).toBe(output.sha256);
    expect((await stat(output.dumpPath)).size).toBe(output.sizeBytes);
    expect((await stat(output.dumpPath)).mode & 0o777).toBe(0o600);

    const keyFile = JSON.parse(await readFile(path.join(dataDir, 'master-key.json'), 'utf8')) as { current: string };
    expect(output.kekIds).toEqual([keyFile.current]);
  });

  it('contains no master key bytes', async () => {
    const keyFile = JSON.parse(await readFile(path.join(dataDir, 'master-key.json'), 'utf8')) as { keys: Array<{ key: string }> };
    const needles = keyFile.keys.flatMap(({ key }) => {
      const bytes = Buffer.from(key, 'base64');
      return [bytes, Buffer.from(key), Buffer.from(bytes.toString('hex')), Buffer.from(bytes.toString('base64url'))];
    });
    // The custom format compresses table data, so the dump is also scanned as SQL text.
    const [dump] = (await readdir(backupDir)).filter((name) => name.endsWith('.dump'));
    const { stdout: script } = await execFileAsync('pg_restore', ['--file=-', path.join(backupDir, dump!)], { maxBuffer: 256 * 1024 * 1024, encoding: 'buffer' });
    expect(script.includes(Buffer.from('COPY public.user_keys'))).toBe(true);

    for (const content of [script, ...(await Promise.all((await filesUnder(backupDir)).map((file) => readFile(file))))]) {
      for (const needle of needles) expect(content.includes(needle)).toBe(false);
    }
  });

  it('rejects a folder beside the master key', async () => {
    const result = await runCommand(onDatabase(originalUrl), 'backup.ts', [path.join(dataDir, 'backups')]);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain('a backup stored with its key opens every document');
    await expect(stat(path.join(dataDir, 'backups'))).rejects.toThrow('ENOENT');
  });
});

describe('npm run restore', () => {
  it('rejects a damaged dump', async () => {
    const damagedDir = await mkdtemp(path.join(os.tmpdir(), 'coffre-backup-damaged-'));
    cleanup.push(() => rm(damagedDir, { recursive: true, force: true }));
    for (const name of await readdir(backupDir)) await copyFile(path.join(backupDir, name), path.join(damagedDir, name));
    const [dump] = (await readdir(damagedDir)).filter((name) => name.endsWith('.dump'));
    const bytes = await readFile(path.join(damagedDir, dump!));
    const middle = bytes.length >> 1;
    bytes.writeUInt8(bytes.readUInt8(middle) ^ 0x01, middle);
    await writeFile(path.join(damagedDir, dump!), bytes);

    const result = await runCommand(onDatabase(restored.url), 'restore.ts', [damagedDir]);

    expect(result.code).toBe(1);
    expect(result.stderr).toContain('the file is damaged or incomplete');
    expect(await tableCount(restored.url)).toBe(0);
  });

  it('rejects a master key without the backup KEK', async () => {
    const result = await runCommand(onDatabase(restored.url, { COFFRE_MASTER_KEY: randomBytes(32).toString('base64') }), 'restore.ts', [backupDir]);

    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/needs KEK kek-[0-9a-f]{16}, which the master key does not contain/);
    expect(await tableCount(restored.url)).toBe(0);
  });

  it('restores into an empty database after the original is dropped', async () => {
    await dropDatabase(originalUrl);

    const result = await runCommand(onDatabase(restored.url), 'restore.ts', [backupDir]);

    expect(result.code, result.stderr).toBe(0);
    expect(await tableCount(restored.url)).toBeGreaterThan(10);
  });

  it('rejects a database that is not empty', async () => {
    const result = await runCommand(onDatabase(restored.url), 'restore.ts', [backupDir]);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`target database ${restored.name} is not empty`);
  });

  it('serves every document byte-identical', async () => {
    const again = await startTestVault({
      PORT: port,
      DATABASE_URL: restored.url,
      COFFRE_RUNTIME_DATABASE_URL: runtimeUrlFor(restored.url),
      COFFRE_DATA_DIR: dataDir,
    });
    // destroy() drops the spare database the helper made; the restored one is dropped by cleanup.
    cleanup.push(() => again.destroy());

    for (const person of ['camille', 'dominique'] as const) {
      const session = await signIn(again, person);
      expect(session.accountId).toBe(accountIds.get(person));
      for (const document of documents.filter((candidate) => candidate.person === person)) {
        const response = await getBytes(again, session, `/api/v1/documents/${document.id}/content`);
        expect(response.status).toBe(200);
        expect(sha256(response.body)).toBe(document.sha256);
      }
    }
    await again.stop();
  });

  it('keeps a valid audit chain', async () => {
    const result = await runCommand(onDatabase(restored.url), 'audit-verify.ts');

    expect(result.code, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout) as { valid: boolean; entriesChecked: number; checkpointsChecked: number };
    expect(report.valid).toBe(true);
    expect(report.entriesChecked).toBeGreaterThan(documents.length);
    expect(report.checkpointsChecked).toBeGreaterThan(0);
  });
});
