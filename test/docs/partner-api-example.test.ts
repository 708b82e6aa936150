import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { fixture, superuserQuery, uploadSpecimen } from '../documents/document-api.js';
import { createGrant, postJson } from '../grants/grant-api.js';
import { runtimeUrlFor } from '../support/empty-database.js';
import { runScript, testedBlock } from '../support/doc-example.js';
import { signIn, type SignedIn } from '../support/sign-in.js';
import { startTestVault, type TestVault } from '../support/test-vault.js';

// The worked example of the partner guides (docs/partner-api.md and its French
// version), run as a partner would run it: each guide's shell blocks in a child bash
// with openssl and curl, against a real vault. The key is registered with the
// operator's command, and Camille shares a document with that partner.

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const GUIDES = ['docs/partner-api.md', 'docs/partner-api.fr.md'];
const TSX = path.join(ROOT, 'node_modules/.bin/tsx');
const PARTNER_CLI = path.join(ROOT, 'server/cli/partner.ts');
const SPECIMEN = 'notification-rqth.pdf';

/** Fails with a message naming the tool when the example cannot run here. */
async function requireTool(tool: string): Promise<void> {
  try {
    await run('bash', ['-c', `command -v ${tool}`]);
  } catch {
    throw new Error(`${tool} is not on PATH: the worked example of the partner guides needs openssl and curl. Install ${tool} and run the test again.`);
  }
}

/** Registers a partner as the operator would, with `npm run partner -- add`, and returns its client id. */
async function registerWithOperatorCommand(vault: TestVault, name: string, jwksFile: string): Promise<string> {
  const env = {
    ...process.env,
    NODE_ENV: 'test',
    DATABASE_URL: vault.databaseUrl,
    COFFRE_RUNTIME_DATABASE_URL: runtimeUrlFor(vault.databaseUrl),
    COFFRE_DATA_DIR: vault.dataDir,
    LOG_LEVEL: 'error',
  };
  const { stdout } = await run(TSX, [PARTNER_CLI, 'add', '--name', name, '--kind', 'cap_emploi', '--jwks', jwksFile], {
    cwd: ROOT,
    env,
    timeout: 60_000,
  });
  return stdout.trim();
}

function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

let vault: TestVault;
let camille: SignedIn;

beforeAll(async () => {
  await requireTool('openssl');
  await requireTool('curl');
  vault = await startTestVault();
  camille = await signIn(vault, 'camille');
});

afterAll(async () => {
  await vault?.destroy();
});

describe.each(GUIDES)('worked example of %s', (guide) => {
  let workDir: string;
  let clientId: string;
  let grantId: string;

  beforeAll(() => {
    workDir = mkdtempSync(path.join(os.tmpdir(), 'coffre-partner-guide-'));
  });

  afterAll(() => {
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  });

  it('creates a key pair and a public JWK Set', async () => {
    const result = await runScript(testedBlock(guide, 'partner-api-example/create-key'), workDir, {});
    expect(result.code, result.stderr).toBe(0);

    const jwks = JSON.parse(readFileSync(path.join(workDir, 'partner-jwks.json'), 'utf8')) as { keys: Array<Record<string, string>> };
    expect(jwks.keys).toHaveLength(1);
    expect(jwks.keys[0]).toMatchObject({ kty: 'EC', crv: 'P-256', kid: 'partner-key-1', alg: 'ES256', use: 'sig' });
    expect(jwks.keys[0]!.x).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(jwks.keys[0]!.y).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(jwks.keys[0]).not.toHaveProperty('d');
  });

  it('registers the key with the operator command', async () => {
    clientId = await registerWithOperatorCommand(vault, `Cap emploi de l'exemple (${guide})`, path.join(workDir, 'partner-jwks.json'));
    expect(clientId).toMatch(/^partner-[0-9a-f]{32}$/);

    const [partner] = await superuserQuery<{ id: string }>(vault, 'select id from partners where client_id = $1', [clientId]);
    expect(partner).toBeDefined();
    const document = await uploadSpecimen(vault, camille, SPECIMEN, 'decision_mdph', 'Notification RQTH');
    const grant = await createGrant(vault, camille, { partnerId: partner!.id, purpose: 'employment_support', documentIds: [document.id] });
    grantId = grant.id;
  });

  it('downloads the shared document with openssl and curl', async () => {
    const result = await runScript(testedBlock(guide, 'partner-api-example/download'), workDir, {
      COFFRE_URL: vault.url,
      CLIENT_ID: clientId,
      GRANT_ID: grantId,
    });
    expect(result.code, `stdout:\n${result.stdout}\nstderr:\n${result.stderr}`).toBe(0);

    const downloaded = readFileSync(path.join(workDir, 'document.download'));
    expect(sha256(downloaded)).toBe(sha256(fixture(SPECIMEN)));
    expect(result.stdout).toMatch(/^Content-Disposition: attachment; filename="?notification-rqth\.pdf"?\r?$/m);
    expect(result.stdout).toContain(sha256(fixture(SPECIMEN)));
  });

  it('stops with the refusal once Camille revokes', async () => {
    const revoked = await postJson(vault, camille, `/api/v1/grants/${grantId}/revoke`);
    expect(revoked.status).toBe(200);
    rmSync(path.join(workDir, 'document.download'), { force: true });

    const result = await runScript(testedBlock(guide, 'partner-api-example/download'), workDir, {
      COFFRE_URL: vault.url,
      CLIENT_ID: clientId,
      GRANT_ID: grantId,
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('"code":"grant_revoked"');
    expect(existsSync(path.join(workDir, 'document.download'))).toBe(false);
  });
});
