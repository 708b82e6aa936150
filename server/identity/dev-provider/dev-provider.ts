import { randomBytes } from 'node:crypto';

import { Router } from 'express';
import type { Kysely } from 'kysely';
import { Provider, type Configuration } from 'oidc-provider';

import type { Config } from '../../config/config.js';
import type { Database } from '../../db/schema.js';
import { logger } from '../../logging/logger.js';
import { DEV_CLIENT_ID, DEV_PROVIDER_PATH } from './dev-accounts.js';
import { devClientMetadata, devProviderConfiguration } from './dev-provider-configuration.js';
import { loadDevProviderKeys } from './dev-provider-keys.js';
import { interactionRoutes } from './interaction.routes.js';
import { deleteExpiredPayloads, PostgresAdapter } from './postgres-adapter.js';

/** The running development identity provider, served by the vault's own HTTP server. */
export interface DevProvider {
  issuer: string;
  clientId: string;
  /**
   * Random per process, because the provider and the vault live in the same process.
   * NOTE: so several vault processes behind one public URL cannot share the provider.
   */
  clientSecret: string;
  /** Handler to mount at `DEV_PROVIDER_PATH`. */
  router: Router;
  close(): Promise<void>;
}

const CLEANUP_INTERVAL_MS = 10 * 60_000;

/**
 * Starts the built-in development identity provider (oidc-provider) at
 * `${publicUrl}/dev-idp`, with fictional accounts, PostgreSQL storage and keys of its own
 * in the data folder. Throws when `config.env` is production, whatever else is set.
 */
export async function createDevProvider(options: { config: Config; db: Kysely<Database>; vaultJwksUrl: string }): Promise<DevProvider> {
  const { config, db, vaultJwksUrl } = options;
  if (config.env === 'production') {
    throw new Error('the development identity provider cannot start when NODE_ENV=production; set COFFRE_OIDC_ISSUER and COFFRE_DEV_IDP=false');
  }

  const keys = await loadDevProviderKeys(config.dataDir);
  const issuer = `${config.publicUrl}${DEV_PROVIDER_PATH}`;
  const clientSecret = randomBytes(32).toString('base64url');

  const configuration = devProviderConfiguration({
    config,
    client: devClientMetadata(config, clientSecret, vaultJwksUrl),
    jwks: keys.signing as Configuration['jwks'],
    cookieKeys: keys.cookieKeys,
    adapter: (type: string) => new PostgresAdapter(db, type),
    cookiePath: DEV_PROVIDER_PATH,
    interactionPath: (uid) => `${DEV_PROVIDER_PATH}/interaction/${uid}`,
    fetchVaultJwks: vaultJwksFetch(vaultJwksUrl),
  });
  const provider = new Provider(issuer, configuration);
  // Behind a TLS-terminating proxy (an https public URL), the provider must read the
  // original scheme and host from X-Forwarded-* to build its URLs. On plain loopback
  // http it serves the browser directly, so it must not trust those headers.
  provider.proxy = new URL(config.publicUrl).protocol === 'https:';
  logProviderEvents(provider);

  const router = Router();
  router.use(interactionRoutes(provider, DEV_PROVIDER_PATH));
  router.use(provider.callback());

  await deleteExpiredPayloads(db);
  const cleanup = setInterval(() => {
    deleteExpiredPayloads(db).catch((error: unknown) => logger.warn('development provider cleanup failed', { error }));
  }, CLEANUP_INTERVAL_MS);
  cleanup.unref();

  logger.info('development identity provider ready', { issuer, profile: config.oidc.devProviderProfile });
  return {
    issuer,
    clientId: DEV_CLIENT_ID,
    clientSecret,
    router,
    close: async () => clearInterval(cleanup),
  };
}

/**
 * oidc-provider fetches a client's `jwks_uri` through a guard that refuses loopback and
 * private addresses (against SSRF). The development provider must fetch the vault's own
 * key set on 127.0.0.1, so this fetch drops that guard for that one URL and refuses
 * every other one.
 */
function vaultJwksFetch(vaultJwksUrl: string): NonNullable<Configuration['fetch']> {
  return async (input, init) => {
    const url = input instanceof Request ? input.url : String(input);
    if (url !== vaultJwksUrl) {
      throw new Error(`the development provider fetches only the vault's key set at ${vaultJwksUrl}, not ${url}`);
    }
    const { dispatcher: _ssrfGuard, ...rest } = (init ?? {}) as RequestInit & { dispatcher?: unknown };
    return fetch(url, rest);
  };
}

function logProviderEvents(provider: Provider): void {
  provider.on('server_error', (_ctx, error) => logger.error('development provider server error', { error }));
  const logRefusal = (event: string) => (_ctx: unknown, error: Error & { error_description?: string }) => {
    logger.info('development provider rejected a request', { event, error: error.name, description: error.error_description });
  };
  provider.on('authorization.error', logRefusal('authorization.error'));
  provider.on('grant.error', logRefusal('grant.error'));
  provider.on('end_session.error', logRefusal('end_session.error'));
  provider.on('userinfo.error', logRefusal('userinfo.error'));
  provider.on('jwks.error', logRefusal('jwks.error'));
}
