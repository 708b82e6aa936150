import type { Config } from '../../config/config.js';

/** Returns the URL of the token endpoint, one of the two `aud` values a client assertion may carry. */
export function tokenEndpointUrl(config: Config): string {
  return `${config.publicUrl}/oauth/token`;
}

/** Returns the `aud` of every access token: the partner API, which accepts no other audience. */
export function partnerApiAudience(config: Config): string {
  return `${config.publicUrl}/partner/v1`;
}
