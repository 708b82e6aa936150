import { statSync } from 'node:fs';
import path from 'node:path';

import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { ConfigError, loadConfig, type Config } from '../../server/config/config.js';
import type { Database } from '../../server/db/schema.js';
import { createDevProvider } from '../../server/identity/dev-provider/dev-provider.js';
import { PostgresAdapter } from '../../server/identity/dev-provider/postgres-adapter.js';
import { startTestVault, type TestVault } from '../support/test-vault.js';

describe('development provider configuration', () => {
  it('is refused by loadConfig in production', () => {
    const load = () => loadConfig({ NODE_ENV: 'production' });

    expect(load).toThrow(ConfigError);
    expect(load).toThrow(/^COFFRE_DEV_IDP: /);
  });

  it('refuses to start with a production configuration', async () => {
    const config = { ...loadConfig({ NODE_ENV: 'test' }), env: 'production' } as Config;

    await expect(createDevProvider({ config, db: {} as Kysely<Database>, vaultJwksUrl: 'http://127.0.0.1/keys' })).rejects.toThrow(
      /NODE_ENV=production/,
    );
  });

  it('refuses a profile without the development provider', () => {
    const load = () =>
      loadConfig({ NODE_ENV: 'test', COFFRE_OIDC_ISSUER: 'https://idp.example/', COFFRE_OIDC_CLIENT_ID: 'coffre', COFFRE_DEV_IDP_PROFILE: 'basic' });

    expect(load).toThrow(/^COFFRE_DEV_IDP_PROFILE: /);
  });

  it('refuses an unknown profile', () => {
    expect(() => loadConfig({ NODE_ENV: 'test', COFFRE_DEV_IDP_PROFILE: 'franceconnect' })).toThrow(/^COFFRE_DEV_IDP_PROFILE: /);
  });
});

describe('development provider storage', () => {
  let vault: TestVault;

  beforeAll(async () => {
    vault = await startTestVault();
  });

  afterAll(async () => {
    await vault?.destroy();
  });

  it.each(['dev-idp-signing-keys.json', 'dev-idp-cookie-keys.json', 'oidc-encryption-keys.json'])('keeps %s with mode 0600', (file) => {
    expect(statSync(path.join(vault.dataDir, file)).mode & 0o777).toBe(0o600);
  });

  it('stores, finds and consumes a payload', async () => {
    const adapter = new PostgresAdapter(vault.ctx.db, 'AuthorizationCode');

    await adapter.upsert('code-1', { accountId: 'camille', grantId: 'grant-1' }, 60);
    expect(await adapter.find('code-1')).toEqual({ accountId: 'camille', grantId: 'grant-1' });

    await adapter.consume('code-1');
    expect((await adapter.find('code-1'))?.consumed).toBeGreaterThan(Date.now() / 1000 - 60);
  });

  it('keeps types apart', async () => {
    await new PostgresAdapter(vault.ctx.db, 'AccessToken').upsert('shared-id', { accountId: 'camille' }, 60);

    expect(await new PostgresAdapter(vault.ctx.db, 'RefreshToken').find('shared-id')).toBeUndefined();
  });

  it('finds a session by uid', async () => {
    const adapter = new PostgresAdapter(vault.ctx.db, 'Session');
    await adapter.upsert('session-1', { uid: 'uid-1', accountId: 'dominique' }, 60);

    expect(await adapter.findByUid('uid-1')).toEqual({ uid: 'uid-1', accountId: 'dominique' });
  });

  it('returns nothing once expired', async () => {
    const adapter = new PostgresAdapter(vault.ctx.db, 'Interaction');
    await adapter.upsert('interaction-1', { uid: 'interaction-1' }, -1);

    expect(await adapter.find('interaction-1')).toBeUndefined();
  });

  it('revokes every payload of a grant', async () => {
    const codes = new PostgresAdapter(vault.ctx.db, 'AuthorizationCode');
    const tokens = new PostgresAdapter(vault.ctx.db, 'AccessToken');
    await codes.upsert('code-2', { grantId: 'grant-2' }, 60);
    await tokens.upsert('token-2', { grantId: 'grant-2' }, 60);
    await tokens.upsert('token-3', { grantId: 'grant-3' }, 60);

    await tokens.revokeByGrantId('grant-2');

    expect(await codes.find('code-2')).toBeUndefined();
    expect(await tokens.find('token-2')).toBeUndefined();
    expect(await tokens.find('token-3')).toEqual({ grantId: 'grant-3' });
  });

  it('destroys a payload', async () => {
    const adapter = new PostgresAdapter(vault.ctx.db, 'Grant');
    await adapter.upsert('grant-4', { accountId: 'camille' });

    await adapter.destroy('grant-4');

    expect(await adapter.find('grant-4')).toBeUndefined();
  });

  it('signs ID tokens with the stored keys', async () => {
    const response = await fetch(`${vault.url}/dev-idp/jwks`);
    const jwks = (await response.json()) as { keys: Array<Record<string, unknown>> };

    expect(jwks.keys.map((key) => key.alg).sort()).toEqual(['ES256', 'RS256']);
    for (const key of jwks.keys) expect(key).not.toHaveProperty('d');
  });
});
