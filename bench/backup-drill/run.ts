import { spawn } from 'node:child_process';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import pg from 'pg';

import { setLogLevel } from '../../server/logging/logger.js';
import { SPECIMENS, uploadSpecimen } from '../../test/documents/document-api.js';
import { createEmptyDatabase, runtimeUrlFor } from '../../test/support/empty-database.js';
import { openSession } from '../../test/support/open-session.js';
import { signIn } from '../../test/support/sign-in.js';
import { startTestVault } from '../../test/support/test-vault.js';

// Times the backup and restore drill on a vault with BENCH_DOCUMENTS documents
// (default 120), uploaded in turn from the six specimens (22 KB to 6.2 MB,
// 1.26 MB on average). The timed steps are npm run backup, npm run restore into
// an empty database, the first start of a vault on it, and npm run audit:verify. Each command is
// timed as the operator runs it, Node and tsx start-up included. Needs
// DATABASE_URL (a superuser on a PostgreSQL 15 server) and pg_dump on PATH.
// Prints a JSON summary.

const DOCUMENTS = Number(process.env.BENCH_DOCUMENTS ?? 120);
const UPLOADS_PER_PERSON = 25;
const PROJECT = path.resolve(import.meta.dirname, '../..');

setLogLevel('warn');
if (!process.env.DATABASE_URL) {
  process.stderr.write('bench:backup needs DATABASE_URL, a superuser URL of the PostgreSQL server to measure\n');
  process.exit(2);
}

const vault = await startTestVault();
const port = new URL(vault.url).port;
const backupDir = await mkdtemp(path.join(os.tmpdir(), 'coffre-bench-backup-'));
const restored = await createEmptyDatabase();
try {
  // Uploads are limited to 30 a minute per account, so the documents are spread over people.
  let storedBytes = 0;
  let person = await signIn(vault, 'camille');
  for (let index = 0; index < DOCUMENTS; index += 1) {
    if (index > 0 && index % UPLOADS_PER_PERSON === 0) person = await openSession(vault, `bench-person-${index}`);
    const specimen = SPECIMENS[index % SPECIMENS.length]!;
    const created = await uploadSpecimen(vault, person, specimen.file, specimen.category);
    storedBytes += created.sizeBytes as number;
  }
  const databaseBytes = await databaseSize(vault.databaseUrl);
  await vault.stop();

  const env = { DATABASE_URL: vault.databaseUrl, COFFRE_RUNTIME_DATABASE_URL: runtimeUrlFor(vault.databaseUrl), COFFRE_DATA_DIR: vault.dataDir };
  const backup = await timed('backup.ts', [backupDir], env);
  const dump = (await readdir(backupDir)).find((name) => name.endsWith('.dump'))!;
  const dumpBytes = (await stat(path.join(backupDir, dump))).size;

  const restoredEnv = { ...env, DATABASE_URL: restored.url, COFFRE_RUNTIME_DATABASE_URL: runtimeUrlFor(restored.url) };
  const restore = await timed('restore.ts', [backupDir], restoredEnv);
  const startedAt = Date.now();
  const again = await startTestVault({ PORT: port, DATABASE_URL: restored.url, COFFRE_RUNTIME_DATABASE_URL: runtimeUrlFor(restored.url), COFFRE_DATA_DIR: vault.dataDir });
  const firstStartMs = Date.now() - startedAt;
  await again.destroy();
  const verify = await timed('audit-verify.ts', [], restoredEnv);

  process.stdout.write(`${JSON.stringify({
    documents: DOCUMENTS,
    storedMiB: mib(storedBytes),
    databaseMiB: mib(databaseBytes),
    dumpMiB: mib(dumpBytes),
    backupSeconds: backup / 1000,
    restoreSeconds: restore / 1000,
    firstStartSeconds: firstStartMs / 1000,
    auditVerifySeconds: verify / 1000,
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model,
  }, null, 2)}\n`);
} finally {
  await restored.drop();
  await vault.destroy();
  await rm(backupDir, { recursive: true, force: true });
}

/** Runs an operator command to its end and returns its wall time in milliseconds; throws on a non-zero exit. */
async function timed(script: string, args: string[], env: Record<string, string>): Promise<number> {
  const started = Date.now();
  const child = spawn(process.execPath, ['--import', 'tsx', path.join('server/cli', script), ...args], {
    cwd: PROJECT,
    env: { ...process.env, LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  if (code !== 0) throw new Error(`${script} exited with ${code}`);
  return Date.now() - started;
}

async function databaseSize(databaseUrl: string): Promise<number> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query('select pg_database_size(current_database())::bigint as size');
    return Number(rows[0].size);
  } finally {
    await client.end();
  }
}

function mib(bytes: number): number {
  return Math.round((bytes / 1024 / 1024) * 10) / 10;
}
