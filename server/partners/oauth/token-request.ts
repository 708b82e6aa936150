import { TokenError } from './token-error.js';

export const CLIENT_CREDENTIALS_GRANT = 'client_credentials';
export const JWT_BEARER_ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/** A well-formed client credentials request, authenticated by a client assertion (private_key_jwt). */
export interface TokenRequest {
  clientAssertion: string;
  /** Optional in RFC 7521; when sent, it must equal the assertion's `iss`. */
  clientId: string | null;
}

const CHECKED_PARAMETERS = ['grant_type', 'client_assertion_type', 'client_assertion', 'client_id'] as const;

/**
 * Reads the form of `POST /oauth/token`. `body` is undefined when the request was not a
 * form. Other parameters, such as `scope`, are ignored, as RFC 6749 (section 3.2)
 * requires for parameters the server does not recognise. Throws TokenError.
 */
export function parseTokenRequest(body: unknown): TokenRequest {
  if (typeof body !== 'object' || body === null) throw new TokenError('request_not_form');
  const form = body as Record<string, unknown>;
  // Express's form parser turns a repeated parameter into an array. RFC 6749 (section
  // 3.2) allows each parameter at most once, so a repeated one of these four is rejected.
  for (const name of CHECKED_PARAMETERS) {
    if (form[name] !== undefined && typeof form[name] !== 'string') throw new TokenError('parameter_repeated');
  }
  const value = (name: (typeof CHECKED_PARAMETERS)[number]) => (form[name] === '' ? undefined : (form[name] as string | undefined));

  const grantType = value('grant_type');
  if (grantType === undefined) throw new TokenError('grant_type_missing');
  if (grantType !== CLIENT_CREDENTIALS_GRANT) throw new TokenError('grant_type_unsupported');

  const assertionType = value('client_assertion_type');
  if (assertionType === undefined) throw new TokenError('client_assertion_type_missing');
  if (assertionType !== JWT_BEARER_ASSERTION_TYPE) throw new TokenError('client_assertion_type_unsupported');

  const clientAssertion = value('client_assertion');
  if (clientAssertion === undefined) throw new TokenError('client_assertion_missing');
  return { clientAssertion, clientId: value('client_id') ?? null };
}
