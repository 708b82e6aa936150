import type { RequestHandler, Router } from 'express';

import type { Config } from '../config/config.js';
import type { AppContext } from '../context.js';
import { logger } from '../logging/logger.js';
import { DEV_PROVIDER_PATH } from './dev-provider/dev-accounts.js';
import { devStaffSubjects } from './dev-provider/dev-provider-configuration.js';
import { createDevProvider, type DevProvider } from './dev-provider/dev-provider.js';
import { meRoutes } from './me.routes.js';
import type { RoleSources } from './oidc/account-roles.js';
import { ENCRYPTION_KEYS_PATH, loadEncryptionKeys } from './oidc/encryption-keys.js';
import { encryptionKeysRoutes } from './oidc/encryption-keys.routes.js';
import { createRelyingParty, isLoopbackHttp } from './oidc/relying-party.js';
import { signInRoutes } from './oidc/sign-in.routes.js';
import { signOutRoutes } from './oidc/sign-out.routes.js';

/** Sign-in for people and staff: the routes, and the providers behind them. */
export interface Identity {
  routers: Router[];
  early: Array<{ path: string; handler: RequestHandler | Router }>;
  formActionOrigins: string[];
  close(): Promise<void>;
}

/**
 * Starts sign-in: the vault's encryption keys, the development provider when
 * `config.oidc.devProvider` is on, and the OpenID Connect routes. Staff roles come from
 * COFFRE_DPO_SUBJECTS and COFFRE_ADMIN_SUBJECTS, and from the claim named by
 * COFFRE_ROLES_CLAIM when set. With the development provider and no roles claim, its
 * `dpo` and `admin` accounts are added to those subject lists. With a roles claim, the
 * development provider sends that claim instead. It does so in userinfo, for the scope
 * of the same name, so COFFRE_OIDC_SCOPES must then include that scope.
 */
export async function createIdentity(ctx: AppContext): Promise<Identity> {
  const { config } = ctx;
  const encryption = await loadEncryptionKeys(config);
  if (config.env === 'production' && encryption.decryptionKeys.length === 0) {
    logger.info('no COFFRE_OIDC_ENCRYPTION_KEYS_FILE: encrypted ID tokens and userinfo will be refused');
  }

  const dpoSubjects = new Set(config.oidc.dpoSubjects);
  const adminSubjects = new Set(config.oidc.adminSubjects);
  let devProvider: DevProvider | null = null;
  let provider: { issuer: string; clientId: string; clientSecret: string | undefined };

  if (config.oidc.devProvider) {
    if (!isLoopbackHttp(config.publicUrl) && !config.publicUrl.startsWith('https://')) {
      throw new Error(`the development identity provider needs COFFRE_PUBLIC_URL on https or on a loopback address (localhost, 127.0.0.1), not ${config.publicUrl}`);
    }
    devProvider = await createDevProvider({ config, db: ctx.db, vaultJwksUrl: `${config.publicUrl}${ENCRYPTION_KEYS_PATH}` });
    provider = { issuer: devProvider.issuer, clientId: devProvider.clientId, clientSecret: devProvider.clientSecret };
    if (config.oidc.rolesClaim === undefined) {
      for (const subject of devStaffSubjects('dpo')) dpoSubjects.add(subject);
      for (const subject of devStaffSubjects('admin')) adminSubjects.add(subject);
    }
  } else {
    provider = { issuer: config.oidc.issuer!, clientId: config.oidc.clientId!, clientSecret: config.oidc.clientSecret };
  }

  const relyingParty = createRelyingParty({
    ...provider,
    signingAlg: expectedSigningAlg(config),
    decryptionKeys: encryption.decryptionKeys,
    allowInsecureLoopback: devProvider !== null && isLoopbackHttp(provider.issuer),
  });
  const roleSources: RoleSources = { dpoSubjects, adminSubjects, rolesClaim: config.oidc.rolesClaim };

  return {
    routers: [
      encryptionKeysRoutes(encryption.publicJwks),
      signInRoutes(ctx, relyingParty, roleSources),
      signOutRoutes(ctx, relyingParty),
      meRoutes(),
    ],
    early: devProvider ? [{ path: DEV_PROVIDER_PATH, handler: devProvider.router }] : [],
    // The sign-out form's redirect goes to the provider, and CSP form-action covers it.
    formActionOrigins: [new URL(provider.issuer).origin],
    close: async () => {
      await devProvider?.close();
    },
  };
}

// The development provider signs with ES256 in its FranceConnect+ profile and RS256
// otherwise, unless COFFRE_OIDC_ID_TOKEN_SIGNING_ALG names another algorithm.
function expectedSigningAlg(config: Config): string | undefined {
  if (config.oidc.idTokenSigningAlg !== undefined || !config.oidc.devProvider) return config.oidc.idTokenSigningAlg;
  return config.oidc.devProviderProfile === 'franceconnect-plus' ? 'ES256' : 'RS256';
}
