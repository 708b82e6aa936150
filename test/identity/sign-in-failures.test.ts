import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  openTransactionCookieValue,
  sealTransactionCookieValue,
} from '../../server/identity/oidc/sign-in-transaction.js';
import { CookieJar, fetchWithJar, signIn, signInUntilCallback } from '../support/sign-in.js';
import { startTestVault, type TestVault } from '../support/test-vault.js';
import { openVaultDatabase, type VaultDatabase } from './vault-database.js';

const TRANSACTION_COOKIE = 'coffre_sign_in';

let vault: TestVault;
let database: VaultDatabase;

beforeAll(async () => {
  vault = await startTestVault();
  database = await openVaultDatabase(vault.databaseUrl);
});

afterAll(async () => {
  await database?.close();
  await vault?.destroy();
});

interface Problem {
  code: string;
  status: number;
  title: string;
  detail: string;
  requestId: string;
}

/** Calls the callback as a script would (JSON), and returns the problem detail. */
async function callBack(url: URL, jar: CookieJar): Promise<{ status: number; problem: Problem; setCookies: string[] }> {
  const response = await fetchWithJar(url, jar, { headers: { accept: 'application/json' } });
  return { status: response.status, problem: (await response.json()) as Problem, setCookies: response.headers.getSetCookie() };
}

/** Asserts a refused sign-in: status, code, French title, no new session, and its deny audit entry. */
async function expectRefused(
  attempt: () => Promise<{ status: number; problem: Problem }>,
  expected: { status: number; code: string; title: string; reason: string },
): Promise<void> {
  const sessionsBefore = await database.sessionCount();
  const { status, problem } = await attempt();

  expect(status).toBe(expected.status);
  expect(problem.code).toBe(expected.code);
  expect(problem.title).toBe(expected.title);
  expect(await database.sessionCount()).toBe(sessionsBefore);
  expect(await database.auditEntriesOf(problem.requestId)).toEqual([
    { action: 'auth.sign_in', outcome: 'deny', reason: expected.reason, actor_type: 'unknown', actor_id: null },
  ]);
}

const SIGN_IN_FAILED = { status: 400, code: 'sign_in_failed', title: 'Connexion impossible' };

describe('callback refusals', () => {
  it('refuses a state that differs from the transaction', async () => {
    const { callbackUrl, jar } = await signInUntilCallback(vault, 'camille');
    callbackUrl.searchParams.set('state', 'forged-state-value');

    await expectRefused(() => callBack(callbackUrl, jar), { ...SIGN_IN_FAILED, reason: 'state_mismatch' });
  });

  it('refuses a callback without state', async () => {
    const { callbackUrl, jar } = await signInUntilCallback(vault, 'camille');
    callbackUrl.searchParams.delete('state');

    await expectRefused(() => callBack(callbackUrl, jar), { ...SIGN_IN_FAILED, reason: 'state_missing' });
  });

  it('refuses a callback whose transaction cookie was lost', async () => {
    const { callbackUrl, jar } = await signInUntilCallback(vault, 'camille');
    jar.delete(TRANSACTION_COOKIE);

    await expectRefused(() => callBack(callbackUrl, jar), { ...SIGN_IN_FAILED, reason: 'transaction_missing' });
  });

  it('refuses a transaction cookie with a changed byte', async () => {
    const { callbackUrl, jar } = await signInUntilCallback(vault, 'camille');
    const value = jar.get(TRANSACTION_COOKIE)!;
    const flipped = value.slice(0, 40) + (value[40] === 'A' ? 'B' : 'A') + value.slice(41);
    jar.set(TRANSACTION_COOKIE, flipped);

    await expectRefused(() => callBack(callbackUrl, jar), { ...SIGN_IN_FAILED, reason: 'transaction_missing' });
  });

  it('refuses an ID token whose nonce differs from the transaction', async () => {
    const { callbackUrl, jar } = await signInUntilCallback(vault, 'camille');
    const transaction = await openTransactionCookieValue(vault.ctx.keys, jar.get(TRANSACTION_COOKIE)!);
    expect(transaction).not.toBeNull();
    // A transaction that an attacker could only forge with the vault's KEK: same state and
    // verifier, other nonce. Only the ID token's nonce check can catch it.
    jar.set(TRANSACTION_COOKIE, await sealTransactionCookieValue(vault.ctx.keys, { ...transaction!, nonce: 'forged-nonce-value' }));

    await expectRefused(() => callBack(callbackUrl, jar), { ...SIGN_IN_FAILED, reason: 'nonce_mismatch' });
  });

  it('refuses a code from another sign-in replayed with this browser state', async () => {
    const victim = await signInUntilCallback(vault, 'camille');
    const attacker = await signInUntilCallback(vault, 'dominique');
    // The attacker's code with the victim's state and transaction: PKCE fails at the provider.
    const replay = new URL(attacker.callbackUrl);
    replay.searchParams.set('state', victim.callbackUrl.searchParams.get('state')!);

    await expectRefused(() => callBack(replay, victim.jar), { ...SIGN_IN_FAILED, reason: 'code_rejected' });
  });

  it('refuses a second use of the same callback', async () => {
    const { callbackUrl, jar } = await signInUntilCallback(vault, 'camille');
    const transactionCookie = jar.get(TRANSACTION_COOKIE)!;
    const first = await fetchWithJar(callbackUrl, jar);
    expect(first.status).toBe(303);

    jar.set(TRANSACTION_COOKIE, transactionCookie);
    await expectRefused(() => callBack(callbackUrl, jar), { ...SIGN_IN_FAILED, reason: 'code_rejected' });
  });

  it('refuses a sign-in cancelled at the provider', async () => {
    const { callbackUrl, jar } = await signInUntilCallback(vault, 'cancel');
    expect(callbackUrl.searchParams.get('error')).toBe('access_denied');

    await expectRefused(() => callBack(callbackUrl, jar), { ...SIGN_IN_FAILED, reason: 'provider_error' });
  });

  it('clears the transaction cookie after a refusal', async () => {
    const { callbackUrl, jar } = await signInUntilCallback(vault, 'camille');
    callbackUrl.searchParams.set('state', 'forged-state-value');

    const { setCookies } = await callBack(callbackUrl, jar);
    expect(setCookies.some((line) => line.startsWith(`${TRANSACTION_COOKIE}=;`) && /Expires=Thu, 01 Jan 1970/.test(line))).toBe(true);
    expect(jar.get(TRANSACTION_COOKIE)).toBeUndefined();
  });
});

describe('refusal pages', () => {
  it('shows a French HTML page to a browser', async () => {
    const { callbackUrl, jar } = await signInUntilCallback(vault, 'camille');
    callbackUrl.searchParams.set('state', 'forged-state-value');

    const response = await fetchWithJar(callbackUrl, jar, { headers: { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' } });
    const html = await response.text();
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    expect(html).toContain('<html lang="fr">');
    expect(html).toContain('<h1>Connexion impossible</h1>');
    expect(html).toContain(response.headers.get('x-request-id')!);
    // The layout loads its script from a file; inline code would break the CSP.
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)|<style|style=/);
  });

  it('answers in English on request', async () => {
    const { callbackUrl, jar } = await signInUntilCallback(vault, 'camille');
    callbackUrl.searchParams.delete('state');

    const response = await fetchWithJar(callbackUrl, jar, { headers: { accept: 'application/json', 'accept-language': 'en' } });
    const problem = (await response.json()) as Problem;
    expect(response.status).toBe(400);
    expect(problem.code).toBe('sign_in_failed');
    expect(problem.title).toBe('Sign-in failed');
  });
});

describe('return path', () => {
  it('returns to a path of the vault after sign-in', async () => {
    const { callbackUrl, jar } = await signInUntilCallback(vault, 'camille', { returnTo: '/documents?page=2' });

    const response = await fetchWithJar(callbackUrl, jar);
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/documents?page=2');
  });

  it.each(['https://attacker.example/', '//attacker.example/', '/\\attacker.example/', 'documents'])(
    'refuses returnTo %s',
    async (returnTo) => {
      const response = await fetch(`${vault.url}/auth/login?returnTo=${encodeURIComponent(returnTo)}`, { redirect: 'manual' });
      const problem = (await response.json()) as Problem;
      expect(response.status).toBe(400);
      expect(problem.code).toBe('validation_failed');
      expect(problem.detail).toContain('returnTo');
    },
  );

  it('still signs in after the refusals', async () => {
    const session = await signIn(vault, 'camille');
    expect(session.accountId).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('assurance level', () => {
  let strictVault: TestVault;
  let strictDatabase: VaultDatabase;

  beforeAll(async () => {
    strictVault = await startTestVault({ COFFRE_OIDC_MIN_ACR: 'eidas3' });
    strictDatabase = await openVaultDatabase(strictVault.databaseUrl);
  });

  afterAll(async () => {
    await strictDatabase?.close();
    await strictVault?.destroy();
  });

  it('refuses an ID token with acr below the minimum', async () => {
    const { callbackUrl, jar } = await signInUntilCallback(strictVault, 'camille');
    const sessionsBefore = await strictDatabase.sessionCount();

    const { status, problem } = await callBack(callbackUrl, jar);

    expect(status).toBe(401);
    expect(problem.code).toBe('acr_too_low');
    expect(problem.title).toBe('Niveau de sécurité insuffisant');
    expect(await strictDatabase.sessionCount()).toBe(sessionsBefore);
    expect(await strictDatabase.auditEntriesOf(problem.requestId)).toEqual([
      { action: 'auth.sign_in', outcome: 'deny', reason: 'acr_too_low', actor_type: 'unknown', actor_id: null },
    ]);
    const accounts = await strictDatabase.client.query('select count(*)::int as count from accounts');
    expect(accounts.rows[0].count).toBe(0);
  });
});

describe('unreachable provider', () => {
  let orphanVault: TestVault;
  let orphanDatabase: VaultDatabase;

  beforeAll(async () => {
    // Port 9 (discard) on loopback: nothing listens there, so the connection is refused.
    orphanVault = await startTestVault({
      COFFRE_DEV_IDP: 'false',
      COFFRE_OIDC_ISSUER: 'https://127.0.0.1:9/',
      COFFRE_OIDC_CLIENT_ID: 'coffre-test',
      COFFRE_OIDC_CLIENT_SECRET: 'not-used',
    });
    orphanDatabase = await openVaultDatabase(orphanVault.databaseUrl);
  });

  afterAll(async () => {
    await orphanDatabase?.close();
    await orphanVault?.destroy();
  });

  it('answers sign_in_failed when discovery cannot connect', async () => {
    const response = await fetch(`${orphanVault.url}/auth/login`, { redirect: 'manual', headers: { accept: 'application/json' } });
    const problem = (await response.json()) as Problem;

    expect(response.status).toBe(400);
    expect(problem.code).toBe('sign_in_failed');
    expect(response.headers.getSetCookie()).toEqual([]);
    expect(await orphanDatabase.auditEntriesOf(problem.requestId)).toEqual([
      { action: 'auth.sign_in', outcome: 'deny', reason: 'provider_unreachable', actor_type: 'unknown', actor_id: null },
    ]);
  });

  it('answers sign_in_failed when the callback cannot reach the provider', async () => {
    const transaction = { state: 'state-1', nonce: 'nonce-1', codeVerifier: 'v'.repeat(43), returnTo: '/', expiresAt: Date.now() + 60_000 };
    const jar = new CookieJar();
    jar.set(TRANSACTION_COOKIE, await sealTransactionCookieValue(orphanVault.ctx.keys, transaction));

    const { status, problem } = await callBack(new URL(`${orphanVault.url}/auth/callback?state=state-1&code=code-1`), jar);

    expect(status).toBe(400);
    expect(problem.code).toBe('sign_in_failed');
    expect(await orphanDatabase.auditEntriesOf(problem.requestId)).toEqual([
      { action: 'auth.sign_in', outcome: 'deny', reason: 'provider_unreachable', actor_type: 'unknown', actor_id: null },
    ]);
  });

  it('publishes no provider pages without the development provider', async () => {
    const response = await fetch(`${orphanVault.url}/dev-idp/.well-known/openid-configuration`);
    expect(response.status).toBe(404);
  });
});
