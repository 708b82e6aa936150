import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { fetchWithJar, signIn, signInUntilCallback } from '../support/sign-in.js';
import { startTestVault, type TestVault } from '../support/test-vault.js';
import { openVaultDatabase, type VaultDatabase } from './vault-database.js';

let vault: TestVault;
let database: VaultDatabase;

beforeAll(async () => {
  vault = await startTestVault({ COFFRE_SESSION_IDLE_MINUTES: '1' });
  database = await openVaultDatabase(vault.databaseUrl);
});

afterAll(async () => {
  await database?.close();
  await vault?.destroy();
});

async function meStatus(cookie: string): Promise<{ status: number; code: unknown }> {
  const response = await fetch(`${vault.url}/api/v1/me`, { headers: { cookie } });
  const body = (await response.json()) as { code?: unknown };
  return { status: response.status, code: body.code };
}

function logout(headers: Record<string, string>, body?: string): Promise<Response> {
  return fetch(`${vault.url}/auth/logout`, { method: 'POST', redirect: 'manual', headers, body });
}

describe('logout', () => {
  it('revokes the session and sends the browser to the provider logout', async () => {
    const session = await signIn(vault, 'camille');

    const response = await logout({ cookie: session.cookie, 'x-csrf-token': session.csrfToken, origin: vault.url });

    expect(response.status).toBe(303);
    const location = new URL(response.headers.get('location')!);
    expect(`${location.origin}${location.pathname}`).toBe(`${vault.url}/dev-idp/session/end`);
    expect(location.searchParams.get('post_logout_redirect_uri')).toBe(`${vault.url}/`);
    expect(location.searchParams.get('client_id')).toBe('coffre-dev');
    expect(location.searchParams.get('state')).toMatch(/^[A-Za-z0-9_-]{20,}$/);
    const hint = decodeJwt(location.searchParams.get('id_token_hint')!);
    expect(hint).toMatchObject({ sub: 'camille', aud: 'coffre-dev', iss: `${vault.url}/dev-idp`, acr: 'eidas2' });

    expect(response.headers.getSetCookie().some((line) => /^coffre_session=;.*Expires=Thu, 01 Jan 1970/.test(line))).toBe(true);
    expect(await meStatus(session.cookie)).toEqual({ status: 401, code: 'unauthenticated' });

    const revoked = await database.client.query('select revoked_at from sessions where account_id = $1 and revoked_at is not null', [session.accountId]);
    expect(revoked.rowCount).toBe(1);
    const audit = await database.auditEntriesOf(response.headers.get('x-request-id')!);
    expect(audit).toEqual([{ action: 'auth.sign_out', outcome: 'allow', reason: null, actor_type: 'person', actor_id: session.accountId }]);
  });

  it('accepts a form post with the _csrf field', async () => {
    const session = await signIn(vault, 'dominique');

    const response = await logout(
      { cookie: session.cookie, 'content-type': 'application/x-www-form-urlencoded', origin: vault.url },
      new URLSearchParams({ _csrf: session.csrfToken }).toString(),
    );

    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toContain('/dev-idp/session/end?');
    expect(await meStatus(session.cookie)).toEqual({ status: 401, code: 'unauthenticated' });
  });

  it('shows the provider sign-out page in French to a browser signed in there', async () => {
    const { callbackUrl, jar } = await signInUntilCallback(vault, 'camille');
    await fetchWithJar(callbackUrl, jar);
    const me = (await (await fetchWithJar(`${vault.url}/api/v1/me`, jar)).json()) as { csrfToken: string };

    const response = await fetchWithJar(`${vault.url}/auth/logout`, jar, { method: 'POST', headers: { 'x-csrf-token': me.csrfToken } });
    const page = await fetchWithJar(response.headers.get('location')!, jar);
    const html = await page.text();

    expect(page.status).toBe(200);
    expect(html).toContain('<html lang="fr">');
    expect(html).toContain('Oui, me déconnecter');
    // The layout loads its script from a file; inline code would break the CSP.
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)|<style|style=/);
  });

  it('allows the provider logout auto-submit script only by its hash', async () => {
    const session = await signIn(vault, 'camille');
    const response = await logout({ cookie: session.cookie, 'x-csrf-token': session.csrfToken });

    // Without a provider session, oidc-provider returns a self-submitting form.
    const page = await fetch(response.headers.get('location')!, { redirect: 'manual' });
    const csp = page.headers.get('content-security-policy')!;
    const scriptSources = csp.split(';').find((directive) => directive.trim().startsWith('script-src'))!;

    expect(page.status).toBe(200);
    expect(scriptSources).toMatch(/'sha256-[A-Za-z0-9+/=]+'/);
    expect(csp).not.toContain('unsafe-inline');
  });

  it('refuses a logout without the CSRF token', async () => {
    const session = await signIn(vault, 'camille');

    const response = await logout({ cookie: session.cookie });
    const problem = (await response.json()) as { code: string };

    expect(response.status).toBe(403);
    expect(problem.code).toBe('csrf_failed');
    expect((await meStatus(session.cookie)).status).toBe(200);
  });

  it('refuses a logout from a foreign origin', async () => {
    const session = await signIn(vault, 'camille');

    const response = await logout({ cookie: session.cookie, 'x-csrf-token': session.csrfToken, origin: 'https://attacker.example' });
    const problem = (await response.json()) as { code: string };

    expect(response.status).toBe(403);
    expect(problem.code).toBe('origin_mismatch');
    expect((await meStatus(session.cookie)).status).toBe(200);
  });

  it('sends a request without a session home', async () => {
    const response = await logout({});

    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/');
  });

  it('allows the provider sign-out form in the CSP', async () => {
    const response = await fetch(`${vault.url}/healthz`);
    expect(response.headers.get('content-security-policy')).toMatch(new RegExp(`form-action 'self' ${vault.url.replaceAll('.', '\\.')}`));
  });
});

describe('session expiry', () => {
  it('answers session_expired after the idle limit', async () => {
    const session = await signIn(vault, 'camille');
    await database.client.query(`update sessions set last_seen_at = now() - interval '2 minutes' where account_id = $1 and revoked_at is null`, [
      session.accountId,
    ]);

    const { status, code } = await meStatus(session.cookie);

    expect(status).toBe(401);
    expect(code).toBe('session_expired');
  });

  it('records the refusal with the actor unknown', async () => {
    const session = await signIn(vault, 'camille');
    await database.client.query(`update sessions set last_seen_at = now() - interval '2 minutes' where account_id = $1 and revoked_at is null`, [
      session.accountId,
    ]);

    await meStatus(session.cookie);

    const { rows } = await database.client.query(
      `select actor_type, actor_id, outcome, reason from audit_events where action = 'auth.session' order by seq desc limit 1`,
    );
    expect(rows[0]).toEqual({ actor_type: 'unknown', actor_id: null, outcome: 'deny', reason: 'session_expired' });
  });
});

describe('sign-in over an existing session', () => {
  it('revokes the previous session of a browser that signs in again', async () => {
    const first = await signIn(vault, 'dominique');
    const { callbackUrl, jar } = await signInUntilCallback(vault, 'dominique');
    // The browser still has the first session cookie when it comes back from the provider.
    const [name, value] = first.cookie.split('=') as [string, string];
    jar.set(name, value);

    const callback = await fetchWithJar(callbackUrl, jar);

    expect(callback.status).toBe(303);
    expect(jar.get(name)).not.toBe(value);
    expect(await meStatus(first.cookie)).toEqual({ status: 401, code: 'unauthenticated' });
    expect((await meStatus(`${name}=${jar.get(name)}`)).status).toBe(200);
  });
});
