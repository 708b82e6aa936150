import * as client from 'openid-client';

import { logger } from '../../logging/logger.js';

/** The identity provider that the vault signs people in with, and how it talks to it. */
export interface RelyingPartySettings {
  issuer: string;
  clientId: string;
  clientSecret: string | undefined;
  /** Expected JWS algorithm of ID tokens and signed userinfo, e.g. 'ES256' for FranceConnect+. */
  signingAlg: string | undefined;
  /** Private keys for encrypted ID tokens and userinfo; empty when the provider does not encrypt. */
  decryptionKeys: client.DecryptionKey[];
  /**
   * Allows plain http to the issuer. Set only for the development provider on a loopback
   * address: openid-client refuses http otherwise, and must keep refusing it in production.
   */
  allowInsecureLoopback: boolean;
}

/** openid-client's view of the provider, discovered on first use. */
export interface RelyingParty {
  readonly issuer: string;
  /**
   * Returns the openid-client Configuration, running discovery the first time. A failed
   * discovery is not cached, so the next sign-in tries again.
   */
  configuration(): Promise<client.Configuration>;
}

/** Content encryption that the vault accepts in encrypted responses (FranceConnect+ uses A256GCM). */
const CONTENT_ENCRYPTION_ALGORITHMS = ['A256GCM'];
const REQUEST_TIMEOUT_SECONDS = 10;

// Discovery is lazy because the development provider is served by the vault's own HTTP
// server, which is not listening yet when the identity module starts.
export function createRelyingParty(settings: RelyingPartySettings): RelyingParty {
  if (settings.allowInsecureLoopback && !isLoopbackHttp(settings.issuer)) {
    throw new Error(`plain http is allowed only for an issuer on a loopback address, not ${settings.issuer}`);
  }
  let pending: Promise<client.Configuration> | null = null;

  return {
    issuer: settings.issuer,
    configuration() {
      pending ??= discover(settings).catch((error: unknown) => {
        pending = null;
        throw error;
      });
      return pending;
    },
  };
}

async function discover(settings: RelyingPartySettings): Promise<client.Configuration> {
  const metadata: Partial<client.ClientMetadata> = { client_id: settings.clientId };
  if (settings.signingAlg !== undefined) {
    metadata.id_token_signed_response_alg = settings.signingAlg;
    metadata.userinfo_signed_response_alg = settings.signingAlg;
  }
  const authentication = settings.clientSecret === undefined ? client.None() : client.ClientSecretPost(settings.clientSecret);
  const execute = settings.allowInsecureLoopback ? [client.allowInsecureRequests] : [];

  const configuration = await client.discovery(new URL(settings.issuer), settings.clientId, metadata, authentication, {
    execute,
    timeout: REQUEST_TIMEOUT_SECONDS,
  });
  configuration.timeout = REQUEST_TIMEOUT_SECONDS;
  // ID tokens come straight from the token endpoint, where TLS already authenticates the
  // issuer. Checking their signature as well keeps a proof of who issued them.
  client.enableNonRepudiationChecks(configuration);
  if (settings.decryptionKeys.length > 0) {
    client.enableDecryptingResponses(configuration, CONTENT_ENCRYPTION_ALGORITHMS, ...settings.decryptionKeys);
  }
  logger.info('identity provider discovered', { issuer: settings.issuer, encryptedResponses: settings.decryptionKeys.length > 0 });
  return configuration;
}

/** Tells whether a URL is plain http on 127.0.0.0/8, [::1] or localhost. */
export function isLoopbackHttp(url: string): boolean {
  const parsed = new URL(url);
  if (parsed.protocol !== 'http:') return false;
  return parsed.hostname === 'localhost' || parsed.hostname === '[::1]' || /^127(\.\d{1,3}){3}$/.test(parsed.hostname);
}
