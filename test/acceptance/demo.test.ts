import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { embeddedVaultSettings, startEmbeddedVault, type EmbeddedVaultSettings } from '../support/embedded-vault.js';
import { freePort } from '../support/free-port.js';
import type { RunningVault } from '../../server/vault.js';

// `npm run demo` against a vault on the embedded default, as a newcomer runs
// it: the demo is its own process and reaches the vault over HTTP only. The
// vault runs in this process, so the child is awaited without blocking it.

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const TSX = path.join(ROOT, 'node_modules/.bin/tsx');

const SUCCESS_LINES = [
  '✔ Étape 1 : six documents rangés, chacun dans sa catégorie, avec un titre en français',
  '✔ Étape 2 : décisions MDPH partagées avec Cap emploi de Nulle-Part pour trois mois',
  '✔ Étape 3 : notification RQTH et dossier de 24 pages téléchargés à l\'identique',
  '✔ Étape 4 : l\'historique montre les deux téléchargements, avec leur finalité',
  '✔ Étape 5 : partage révoqué, le téléchargement suivant est refusé (403 grant_revoked)',
  '✔ Étape 6 : demande acceptée pour un mois, le CFA lit la notification RQTH',
  '✔ Étape 7 : chaque identifiant répond 404, aucun document de Camille n\'est listé',
  '✔ Étape 8 : export JSON Lines vérifié hors ligne : valide',
];

let settings: EmbeddedVaultSettings;
let vault: RunningVault;

beforeAll(async () => {
  settings = await embeddedVaultSettings(mkdtempSync(path.join(os.tmpdir(), 'coffre-demo-')));
  vault = await startEmbeddedVault(settings);
});

afterAll(async () => {
  await vault?.stop();
  if (settings) rmSync(settings.dataDir, { recursive: true, force: true });
});

/** Runs `demo/run.ts` against the vault; resolves with its exit code and output, whatever the code. */
async function runDemo(url = vault.url): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = { ...process.env, COFFRE_URL: url, COFFRE_DATA_DIR: settings.dataDir };
  try {
    const { stdout, stderr } = await run(TSX, ['demo/run.ts'], { cwd: ROOT, env, timeout: 45_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof failed.code === 'number' ? failed.code : -1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}

describe('npm run demo', () => {
  let first: { code: number; stdout: string; stderr: string };

  beforeAll(async () => {
    first = await runDemo();
  });

  it('exits 0 with no error output', () => {
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
  });

  it.each(SUCCESS_LINES)('prints %s', (line) => {
    expect(first.stdout.split('\n')).toContain(line);
  });

  it('prints no failed check', () => {
    expect(first.stdout).not.toContain('✘');
    expect(first.stdout).toContain('8 étape(s) réussie(s) sur 8.');
  });

  it('passes again on the same vault', async () => {
    const second = await runDemo();
    expect(second.stderr).toBe('');
    expect(second.code).toBe(0);
    for (const line of SUCCESS_LINES) expect(second.stdout.split('\n')).toContain(line);
  });
});

describe('npm run demo without a vault', () => {
  it('exits 1 and says how to start one', async () => {
    const result = await runDemo(`http://127.0.0.1:${await freePort()}`);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('Démarrez-le dans un autre terminal avec « npm start »');
  });
});
