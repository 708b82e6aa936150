import { ACCESS_TOKEN_LIFETIME_SECONDS } from '../partners/oauth/access-token.js';
import { TOKEN_REQUESTS_PER_ADDRESS_PER_MINUTE, TOKEN_REQUESTS_PER_CLIENT_PER_MINUTE } from '../partners/oauth/token.routes.js';
import { AUDITED_ERRORS, jsonResponse, problems, PUBLIC, ref, type JsonObject, type PathItems } from './components.js';

const TAG = 'OAuth';

const NO_CACHE_HEADERS = {
  'Cache-Control': { $ref: '#/components/headers/CacheControlNoStore' },
  Pragma: { description: 'Always `no-cache` (RFC 6749, section 5.1).', schema: { const: 'no-cache' } },
};

function oauthError(description: string, example: JsonObject): JsonObject {
  return { description, headers: NO_CACHE_HEADERS, content: { 'application/json': { schema: ref('OAuthError'), example } } };
}

/** The token endpoint of the partner API. */
export const oauthPaths: PathItems = {
  '/oauth/token': {
    post: {
      tags: [TAG],
      operationId: 'requestAccessToken',
      summary: 'Get a partner access token',
      description:
        `OAuth 2.0 client credentials grant for partners, with \`private_key_jwt\` client authentication (RFC 7523): the client authenticates by the \`client_assertion\` in the form, so the operation declares no security requirement. Returns a short-lived Bearer access token signed by the vault. Every token granted or refused is recorded in the audit log as \`partner.token\`, and no response is cached. Rate-limited per client address (${TOKEN_REQUESTS_PER_ADDRESS_PER_MINUTE} a minute), then per client id (${TOKEN_REQUESTS_PER_CLIENT_PER_MINUTE} a minute). Errors of the grant are RFC 6749 JSON errors; only the rate limit, an audit failure and an internal error are problem details.`,
      security: PUBLIC,
      requestBody: {
        required: true,
        content: {
          'application/x-www-form-urlencoded': {
            schema: ref('TokenRequest'),
            example: {
              grant_type: 'client_credentials',
              client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
              client_assertion: 'eyJhbGciOiJFUzI1NiIsImtpZCI6ImNhcC1lbXBsb2ktMjAyNiJ9.eyJpc3MiOiLigKYifQ.c2lnbmF0dXJl',
            },
          },
        },
      },
      responses: {
        '200': jsonResponse('The access token.', ref('TokenResponse'), { access_token: 'eyJhbGciOiJFUzI1NiIsImtpZCI6Ii4uLiJ9.…', token_type: 'Bearer', expires_in: ACCESS_TOKEN_LIFETIME_SECONDS }, NO_CACHE_HEADERS),
        '400': oauthError('`invalid_request` (form missing, unreadable, over 16 KiB, or a parameter missing or repeated), `unsupported_grant_type`, or `invalid_grant` (an assertion `jti` already used).', {
          error: 'invalid_request',
          error_description: 'Le paramètre grant_type est manquant ; envoyez grant_type=client_credentials.',
        }),
        '401': oauthError('`invalid_client`: the client assertion failed a check (signature, `kid`, `alg`, `iss`/`sub`, `aud`, `exp`, `iat`/`nbf`, `jti`), the client is unknown, or the partner is suspended.', {
          error: 'invalid_client',
          error_description: 'La signature de l\'assertion ne correspond pas à la clé enregistrée.',
        }),
        ...problems('rate_limited', ...AUDITED_ERRORS),
      },
    },
  },
};
