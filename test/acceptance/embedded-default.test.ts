import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

import pg from 'pg';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { embeddedVaultEnv, embeddedVaultSettings, startEmbeddedVault, type EmbeddedVaultSettings } from '../support/embedded-vault.js';
import { signIn, type SignedIn } from '../support/sign-in.js';
import type { RunningVault } from '../../server/vault.js';
import { FIXTURES, SPECIMENS, fixture, getBytes, postParts, uploadParts } from '../documents/document-api.js';

// The first promise of the vault on a newcomer's machine: with no settings at
// all it stores documents in its own PostgreSQL, keeps them across a restart,
// and leaves no title, file name or content in clear anywhere on disk.

const run = promisify(execFile);

const TITLES = new Map(SPECIMENS.map((specimen, index) => [specimen.file, `Pièce n°${index + 1} « spécimen » – dossier de Camille`]));
const REFUSED = readdirSync(path.join(FIXTURES, 'refused')).filter((name) => !name.startsWith('.'));

let settings: EmbeddedVaultSettings;
let vault: RunningVault;
let camille: SignedIn;
const stored = new Map<string, { id: string; sha256: string }>();

beforeAll(async () => {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'coffre-embedded-'));
  settings = await embeddedVaultSettings(dataDir);
  vault = await startEmbeddedVault(settings);
  camille = await signIn(vault, 'camille');
});

afterAll(async () => {
  await vault?.stop();
  if (settings) rmSync(settings.dataDir, { recursive: true, force: true });
});

describe('embedded default', () => {
  it('creates the master key file with mode 0600', () => {
    const mode = statSync(path.join(settings.dataDir, 'master-key.json')).mode & 0o777;
    expect(mode).toBe(0o600);
  });

  it('stores the six specimens and returns them byte-identical', async () => {
    for (const specimen of SPECIMENS) {
      const data = fixture(specimen.file);
      const created = await postParts(vault, camille, uploadParts({ category: specimen.category, fileName: specimen.file, data, title: TITLES.get(specimen.file)! }));
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ category: specimen.category, mediaType: specimen.mediaType, fileName: specimen.file, sizeBytes: data.length });
      stored.set(specimen.file, { id: created.body.id, sha256: sha256(data) });

      const download = await getBytes(vault, camille, `/api/v1/documents/${created.body.id}/content`);
      expect(download.status).toBe(200);
      expect(sha256(download.body as Buffer)).toBe(sha256(data));
    }
  });

  it.each(REFUSED)('refuses %s and keeps nothing', async (name) => {
    const response = await postParts(vault, camille, uploadParts({ category: 'other', fileName: name, data: fixture(`refused/${name}`), contentType: 'application/pdf' }));
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(response.status).toBeLessThan(500);
    expect(response.body.title).toMatch(/^(Fichier vide|Type de fichier refusé)$/);

    const list = await request(vault.url).get('/api/v1/documents?limit=200').set('Cookie', camille.cookie);
    expect(list.body.items).toHaveLength(SPECIMENS.length);
  });

  it('keeps every document across a restart', async () => {
    await vault.stop();
    vault = await startEmbeddedVault(settings);
    camille = await signIn(vault, 'camille');

    const list = await request(vault.url).get('/api/v1/documents?limit=200').set('Cookie', camille.cookie);
    expect(list.status).toBe(200);
    expect(list.body.items).toHaveLength(SPECIMENS.length);

    for (const [file, { id, sha256: expected }] of stored) {
      const download = await getBytes(vault, camille, `/api/v1/documents/${id}/content`);
      expect(download.status, file).toBe(200);
      expect(sha256(download.body as Buffer), file).toBe(expected);
    }
  });

  it('verifies the audit chain with the vault running', async () => {
    const report = await auditVerify();
    expect(report.exitCode).toBe(0);
    expect(report.json).toMatchObject({ valid: true });
    expect(report.json.entriesChecked).toBeGreaterThan(SPECIMENS.length * 2);
  });

  it('leaves no plaintext on disk or in a dump', async () => {
    const needles = plaintextNeedles();

    // pg_dump writes bytea as hexadecimal text, so each needle is searched
    // for in both forms.
    const dump = await pgDump();
    for (const needle of needles) {
      expect(dump.includes(needle.bytes), `pg_dump contains ${needle.label}`).toBe(false);
      expect(dump.includes(Buffer.from(needle.bytes.toString('hex'))), `pg_dump contains ${needle.label} as hex`).toBe(false);
    }

    // Stop the server so every page and WAL record is on disk, then scan it all.
    await vault.stop();
    const files = listFiles(settings.dataDir);
    expect(files.some((file) => file.includes(`${path.sep}pg_wal${path.sep}`))).toBe(true);
    for (const file of files) {
      const content = readFileSync(file);
      for (const needle of needles) {
        expect(content.includes(needle.bytes), `${path.relative(settings.dataDir, file)} contains ${needle.label}`).toBe(false);
      }
    }

    vault = await startEmbeddedVault(settings);
  });

  it('verifies the audit chain with the vault stopped', async () => {
    await vault.stop();
    const report = await auditVerify();
    expect(report.exitCode).toBe(0);
    expect(report.json).toMatchObject({ valid: true });
    vault = await startEmbeddedVault(settings);
  });
});

function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

// Titles and file names in UTF-8, and 32-byte runs from the image-heavy
// specimens at several offsets: finding any of them on disk means something
// was stored in clear.
function plaintextNeedles(): Array<{ label: string; bytes: Buffer }> {
  const needles: Array<{ label: string; bytes: Buffer }> = [];
  for (const [file, title] of TITLES) {
    needles.push({ label: `the title of ${file}`, bytes: Buffer.from(title, 'utf8') });
    needles.push({ label: `the file name ${file}`, bytes: Buffer.from(file, 'utf8') });
  }
  for (const file of ['certificat-medical-scan.jpg', 'photo-justificatif.png', 'dossier-mdph-complet.pdf']) {
    const data = fixture(file);
    for (const fraction of [0.1, 0.3, 0.5, 0.7, 0.9]) {
      const offset = Math.floor(data.length * fraction);
      needles.push({ label: `bytes ${offset}..${offset + 32} of ${file}`, bytes: data.subarray(offset, offset + 32) });
    }
  }
  return needles;
}

function listFiles(folder: string): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    const full = path.join(folder, entry.name);
    if (entry.isDirectory()) files.push(...listFiles(full));
    else if (entry.isFile()) files.push(full);
  }
  return files;
}

// pg_dump from Debian's postgresql-client (the embedded server is
// PostgreSQL 15, like Debian's client). Where it is not installed, every
// table's rows in PostgreSQL's text form stand in for it, which is what a
// plain-format dump contains.
async function pgDump(): Promise<Buffer> {
  const secrets = JSON.parse(readFileSync(path.join(settings.dataDir, 'embedded-postgres.json'), 'utf8')) as { superuserPassword: string };
  const env = { ...process.env, PGPASSWORD: secrets.superuserPassword };
  try {
    const { stdout } = await run('pg_dump', ['--host=127.0.0.1', `--port=${settings.postgresPort}`, '--username=postgres', '--dbname=coffre'], {
      env,
      encoding: 'buffer',
      maxBuffer: 512 * 1024 * 1024,
    });
    return stdout;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    return tableTextDump(`postgres://postgres:${encodeURIComponent(secrets.superuserPassword)}@127.0.0.1:${settings.postgresPort}/coffre`);
  }
}

async function tableTextDump(url: string): Promise<Buffer> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const tables = await client.query<{ name: string }>("select quote_ident(tablename) as name from pg_tables where schemaname = 'public'");
    const pieces: string[] = [];
    for (const { name } of tables.rows) {
      const rows = await client.query<{ row: string }>(`select t::text as row from ${name} t`);
      pieces.push(...rows.rows.map((row) => row.row));
    }
    return Buffer.from(pieces.join('\n'));
  } finally {
    await client.end();
  }
}

async function auditVerify(): Promise<{ exitCode: number; json: { valid: boolean; entriesChecked: number } }> {
  const env = { ...process.env, ...embeddedVaultEnv(settings) };
  delete env.DATABASE_URL;
  try {
    const { stdout } = await run('npx', ['tsx', 'server/cli/audit-verify.ts'], { env, cwd: path.resolve(FIXTURES, '../..') });
    return { exitCode: 0, json: JSON.parse(stdout) };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string };
    return { exitCode: failed.code ?? -1, json: JSON.parse(failed.stdout || '{}') };
  }
}
