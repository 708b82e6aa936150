import type { ClientMetadata, Configuration, KoaContextWithOIDC } from 'oidc-provider';

import type { Config } from '../../config/config.js';
import { DEV_ACCOUNTS, DEV_CLIENT_ID, findDevAccount } from './dev-accounts.js';
import { providerErrorPage, signedOutPage, signOutPage } from './dev-provider-pages.js';

/** Claim (and scope of the same name) in which the development provider lists staff roles. */
export function devRolesClaim(config: Config): string {
  return config.oidc.rolesClaim ?? 'coffre_roles';
}

/**
 * Registration of the vault at the development provider. The vault is a server-side
 * (confidential) client, so it authenticates with a secret at the token endpoint, as with
 * FranceConnect+ in production; PKCE is required on top of it (see `pkce` below).
 *
 * The `franceconnect-plus` profile behaves like FranceConnect+: ID token and userinfo are
 * signed with ES256 and encrypted to the vault (ECDH-ES, A256GCM) with the public keys
 * that the provider fetches from `vaultJwksUrl`.
 */
export function devClientMetadata(config: Config, clientSecret: string, vaultJwksUrl: string): ClientMetadata {
  const franceConnectPlus = config.oidc.devProviderProfile === 'franceconnect-plus';
  const signingAlg = (config.oidc.idTokenSigningAlg ?? (franceConnectPlus ? 'ES256' : 'RS256')) as ClientMetadata['id_token_signed_response_alg'];
  const client: ClientMetadata = {
    client_id: DEV_CLIENT_ID,
    client_secret: clientSecret,
    token_endpoint_auth_method: 'client_secret_post',
    redirect_uris: [`${config.publicUrl}/auth/callback`],
    post_logout_redirect_uris: [`${config.publicUrl}/`],
    response_types: ['code'],
    grant_types: ['authorization_code'],
    id_token_signed_response_alg: signingAlg,
  };
  if (!franceConnectPlus) return client;

  return {
    ...client,
    jwks_uri: vaultJwksUrl,
    id_token_encrypted_response_alg: 'ECDH-ES',
    id_token_encrypted_response_enc: 'A256GCM',
    userinfo_signed_response_alg: signingAlg,
    userinfo_encrypted_response_alg: 'ECDH-ES',
    userinfo_encrypted_response_enc: 'A256GCM',
  };
}

/**
 * oidc-provider settings of the development provider. Every default that oidc-provider
 * recommends replacing (pages, account lookup, lifetimes, CORS) is set here, so it
 * prints no warning about them.
 */
export function devProviderConfiguration(options: {
  config: Config;
  client: ClientMetadata;
  jwks: Configuration['jwks'];
  cookieKeys: string[];
  adapter: NonNullable<Configuration['adapter']>;
  cookiePath: string;
  interactionPath: (uid: string) => string;
  fetchVaultJwks: NonNullable<Configuration['fetch']>;
}): Configuration {
  const rolesClaim = devRolesClaim(options.config);

  return {
    adapter: options.adapter,
    clients: [options.client],
    jwks: options.jwks,
    cookies: {
      names: { session: 'coffre_dev_idp_session', interaction: 'coffre_dev_idp_interaction', resume: 'coffre_dev_idp_resume' },
      keys: options.cookieKeys,
      // The provider's session cookie stays under its own path, away from the vault's
      // routes. oidc-provider gives its short-lived interaction cookies narrower paths.
      long: { httpOnly: true, sameSite: 'lax', path: options.cookiePath },
      short: { httpOnly: true, sameSite: 'lax' },
    },
    acrValues: ['eidas1', 'eidas2', 'eidas3'],
    scopes: ['openid', 'profile', rolesClaim],
    claims: {
      acr: null,
      auth_time: null,
      sid: null,
      iss: null,
      openid: ['sub'],
      profile: ['given_name', 'family_name'],
      [rolesClaim]: [rolesClaim],
    },
    responseTypes: ['code'],
    // Required for every client, whatever its authentication method, so that a code
    // taken from a redirect is useless without the verifier.
    pkce: { required: () => true },
    features: {
      devInteractions: { enabled: false },
      encryption: { enabled: true },
      jwtUserinfo: { enabled: true },
      userinfo: { enabled: true },
      rpInitiatedLogout: {
        enabled: true,
        logoutSource: (ctx: KoaContextWithOIDC, form: string) => {
          ctx.type = 'html';
          ctx.body = signOutPage(form);
        },
        postLogoutSuccessSource: (ctx: KoaContextWithOIDC) => {
          ctx.type = 'html';
          ctx.body = signedOutPage();
        },
      },
    },
    findAccount: (_ctx, sub) => {
      const account = findDevAccount(sub);
      if (!account) return undefined;
      return {
        accountId: account.id,
        claims: () => ({
          sub: account.id,
          given_name: account.givenName,
          family_name: account.familyName,
          [rolesClaim]: account.staffRole ? [account.staffRole] : [],
        }),
      };
    },
    // The vault is our own client: it gets the scopes it requests without a consent
    // screen, as a service registered with FranceConnect+ does.
    loadExistingGrant: async (ctx) => {
      const { oidc } = ctx;
      if (!oidc.account || !oidc.client) return undefined;
      const grantId = oidc.result?.consent?.grantId ?? oidc.session?.grantIdFor(oidc.client.clientId);
      const existing = grantId ? await oidc.provider.Grant.find(grantId) : undefined;
      const grant = existing ?? new oidc.provider.Grant({ clientId: oidc.client.clientId, accountId: oidc.account.accountId });
      grant.addOIDCScope([...oidc.requestParamOIDCScopes].join(' '));
      await grant.save();
      return grant;
    },
    interactions: { url: (_ctx, interaction) => options.interactionPath(interaction.uid) },
    renderError: (ctx, out) => {
      ctx.type = 'html';
      ctx.body = providerErrorPage(out.error, out.error_description);
    },
    // Only the vault's server talks to this provider; no browser needs CORS.
    clientBasedCORS: () => false,
    fetch: options.fetchVaultJwks,
    ttl: {
      AccessToken: 10 * 60,
      AuthorizationCode: 60,
      IdToken: 10 * 60,
      Interaction: 30 * 60,
      Session: 12 * 3600,
      Grant: 12 * 3600,
    },
  };
}

/** Ids of the provider's staff accounts, for the vault's role lists. */
export function devStaffSubjects(role: 'dpo' | 'admin'): string[] {
  return DEV_ACCOUNTS.filter((account) => account.staffRole === role).map((account) => account.id);
}
