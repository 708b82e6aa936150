import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { signIn, type DevAccountId } from '../support/sign-in.js';
import { startTestVault, type TestVault } from '../support/test-vault.js';

let vault: TestVault;
let database: pg.Client;

beforeAll(async () => {
  vault = await startTestVault();
  database = new pg.Client({ connectionString: vault.databaseUrl });
  await database.connect();
});

afterAll(async () => {
  await database?.end();
  await vault?.destroy();
});

async function me(cookie: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(new URL('/api/v1/me', vault.url), { headers: { cookie } });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('sign-in through the development provider', () => {
  const expectedRoles: Array<[DevAccountId, string[]]> = [
    ['camille', ['person']],
    ['dominique', ['person']],
    ['dpo', ['dpo']],
    ['admin', ['admin']],
  ];

  it.each(expectedRoles)('signs %s in with roles %j', async (account, roles) => {
    const session = await signIn(vault, account);

    const { status, body } = await me(session.cookie);
    expect(status).toBe(200);
    expect(body.id).toBe(session.accountId);
    expect(body.roles).toEqual(roles);
    expect(body.csrfToken).toBe(session.csrfToken);
    expect(session.csrfToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('keeps the same account on a second sign-in', async () => {
    const first = await signIn(vault, 'camille');
    const second = await signIn(vault, 'camille');

    expect(second.accountId).toBe(first.accountId);
    expect(second.cookie).not.toBe(first.cookie);
  });

  it('creates the user key at first sign-in', async () => {
    const { accountId } = await signIn(vault, 'dominique');

    const keys = await database.query('select kek_id from user_keys where account_id = $1', [accountId]);
    expect(keys.rowCount).toBe(1);
    const accounts = await database.query('select issuer, subject from accounts where id = $1', [accountId]);
    expect(accounts.rows[0]).toEqual({ issuer: `${vault.url}/dev-idp`, subject: 'dominique' });
  });
});
