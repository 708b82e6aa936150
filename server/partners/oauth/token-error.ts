import type { Response } from 'express';

import { requestLocale, type Locale } from '../../i18n/locale.js';

/** Error codes of the token endpoint (RFC 6749, section 5.2) that the vault returns. */
export type TokenErrorCode = 'invalid_request' | 'invalid_client' | 'invalid_grant' | 'unsupported_grant_type';

/** Why a token request was refused: the audit entry's reason code, and the key of its description. */
export type TokenRefusalReason = keyof typeof TOKEN_REFUSALS;

type Description = Record<Locale, string>;

/**
 * Every refusal of the token endpoint: its RFC 6749 error code and the description sent
 * as `error_description`, in French and English. Client authentication failures are
 * `invalid_client` (RFC 7523, section 3.2), sent with status 401.
 */
const TOKEN_REFUSALS = {
  request_not_form: {
    error: 'invalid_request',
    fr: 'La requête doit être un formulaire application/x-www-form-urlencoded de moins de 16 Kio.',
    en: 'The request must be an application/x-www-form-urlencoded form under 16 KiB.',
  },
  parameter_repeated: {
    error: 'invalid_request',
    fr: 'Un paramètre de la requête est répété ; chaque paramètre doit apparaître une seule fois.',
    en: 'A request parameter is repeated; each parameter must appear only once.',
  },
  grant_type_missing: {
    error: 'invalid_request',
    fr: 'Le paramètre grant_type est manquant ; envoyez grant_type=client_credentials.',
    en: 'The grant_type parameter is missing; send grant_type=client_credentials.',
  },
  grant_type_unsupported: {
    error: 'unsupported_grant_type',
    fr: 'Ce type d\'autorisation n\'est pas accepté ; seul grant_type=client_credentials l\'est.',
    en: 'This grant type is not supported; only grant_type=client_credentials is.',
  },
  client_assertion_type_missing: {
    error: 'invalid_request',
    fr: 'Le paramètre client_assertion_type est manquant ; envoyez urn:ietf:params:oauth:client-assertion-type:jwt-bearer.',
    en: 'The client_assertion_type parameter is missing; send urn:ietf:params:oauth:client-assertion-type:jwt-bearer.',
  },
  client_assertion_type_unsupported: {
    error: 'invalid_client',
    fr: 'Ce mode d\'authentification n\'est pas accepté ; seul client_assertion_type=urn:ietf:params:oauth:client-assertion-type:jwt-bearer l\'est (private_key_jwt).',
    en: 'This authentication method is not supported; only client_assertion_type=urn:ietf:params:oauth:client-assertion-type:jwt-bearer is (private_key_jwt).',
  },
  client_assertion_missing: {
    error: 'invalid_request',
    fr: 'Le paramètre client_assertion est manquant ; envoyez un JWT signé avec la clé privée de votre organisme.',
    en: 'The client_assertion parameter is missing; send a JWT signed with your organisation\'s private key.',
  },
  client_id_mismatch: {
    error: 'invalid_client',
    fr: 'Le paramètre client_id ne correspond pas à l\'émetteur (iss) de l\'assertion.',
    en: 'The client_id parameter does not match the assertion\'s issuer (iss).',
  },
  assertion_malformed: {
    error: 'invalid_client',
    fr: 'L\'assertion n\'est pas un JWT signé lisible (trois parties base64url séparées par des points).',
    en: 'The assertion is not a readable signed JWT (three base64url parts separated by dots).',
  },
  assertion_algorithm_not_allowed: {
    error: 'invalid_client',
    fr: 'L\'algorithme de signature de l\'assertion (alg) n\'est pas accepté : il doit être celui de la clé enregistrée, parmi ES256, PS256 et RS256.',
    en: 'The assertion\'s signature algorithm (alg) is not accepted: it must be the registered key\'s, among ES256, PS256 and RS256.',
  },
  assertion_kid_missing: {
    error: 'invalid_client',
    fr: 'L\'en-tête de l\'assertion doit contenir le kid de la clé enregistrée qui l\'a signée.',
    en: 'The assertion\'s header must contain the kid of the registered key that signed it.',
  },
  assertion_issuer_invalid: {
    error: 'invalid_client',
    fr: 'Les champs iss et sub de l\'assertion doivent tous deux contenir votre client_id.',
    en: 'The assertion\'s iss and sub claims must both contain your client_id.',
  },
  client_unknown: {
    error: 'invalid_client',
    fr: 'Aucun partenaire n\'est enregistré sous ce client_id.',
    en: 'No partner is registered under this client_id.',
  },
  assertion_key_unknown: {
    error: 'invalid_client',
    fr: 'Aucune clé enregistrée pour ce partenaire ne porte ce kid. Faites enregistrer votre clé publique par l\'administrateur du coffre.',
    en: 'No key registered for this partner has this kid. Ask the vault\'s administrator to register your public key.',
  },
  assertion_signature_invalid: {
    error: 'invalid_client',
    fr: 'La signature de l\'assertion ne correspond pas à la clé enregistrée.',
    en: 'The assertion\'s signature does not match the registered key.',
  },
  assertion_audience_invalid: {
    error: 'invalid_client',
    fr: 'Le champ aud de l\'assertion doit contenir une seule valeur : l\'URL du point de jeton (…/oauth/token) ou celle du coffre.',
    en: 'The assertion\'s aud claim must hold a single value: the token endpoint URL (…/oauth/token) or the vault\'s URL.',
  },
  assertion_expired: {
    error: 'invalid_client',
    fr: 'L\'assertion a expiré (exp) ; signez-en une nouvelle et vérifiez l\'horloge de votre serveur.',
    en: 'The assertion has expired (exp); sign a new one and check your server\'s clock.',
  },
  assertion_exp_missing: {
    error: 'invalid_client',
    fr: 'L\'assertion doit contenir une date d\'expiration (exp).',
    en: 'The assertion must contain an expiry time (exp).',
  },
  assertion_lifetime_too_long: {
    error: 'invalid_client',
    fr: 'L\'expiration de l\'assertion (exp) est trop lointaine : au plus 5 minutes après l\'envoi.',
    en: 'The assertion\'s expiry (exp) is too far ahead: at most 5 minutes after sending.',
  },
  assertion_not_yet_valid: {
    error: 'invalid_client',
    fr: 'L\'assertion est datée dans le futur (iat ou nbf) ; vérifiez l\'horloge de votre serveur.',
    en: 'The assertion is dated in the future (iat or nbf); check your server\'s clock.',
  },
  assertion_jti_missing: {
    error: 'invalid_client',
    fr: 'L\'assertion doit contenir un identifiant unique (jti) de 1 à 256 caractères.',
    en: 'The assertion must contain a unique id (jti) of 1 to 256 characters.',
  },
  assertion_replayed: {
    error: 'invalid_grant',
    fr: 'Cette assertion a déjà été utilisée (même jti) ; signez une nouvelle assertion pour chaque demande de jeton.',
    en: 'This assertion was already used (same jti); sign a new assertion for every token request.',
  },
  partner_suspended: {
    error: 'invalid_client',
    fr: 'Ce partenaire est suspendu : le coffre ne lui délivre plus de jeton. Contactez l\'administrateur du coffre.',
    en: 'This partner is suspended, so the vault issues it no tokens. Contact the vault\'s administrator.',
  },
} satisfies Record<string, { error: TokenErrorCode } & Description>;

/**
 * A refused token request. `partnerId` is set once the assertion's signature has been
 * verified, so the audit entry names the partner only when it really is that partner.
 */
export class TokenError extends Error {
  readonly error: TokenErrorCode;

  constructor(
    readonly reason: TokenRefusalReason,
    readonly partnerId: string | null = null,
    options?: { cause?: unknown },
  ) {
    super(`token request refused: ${reason}`, options);
    this.name = 'TokenError';
    this.error = TOKEN_REFUSALS[reason].error;
  }
}

/**
 * Sends an RFC 6749 error response: 401 for `invalid_client`, 400 otherwise, never cached.
 * NOTE: RFC 6749 limits `error_description` to printable ASCII, but the partners' staff
 * read French, so the French descriptions keep their accents. Clients should act on
 * `error`, which stays ASCII.
 */
export function sendTokenError(res: Response, refusal: TokenError): void {
  const locale = requestLocale(res.req);
  res
    .status(refusal.error === 'invalid_client' ? 401 : 400)
    .set('Cache-Control', 'no-store')
    .set('Pragma', 'no-cache')
    .set('Content-Language', locale)
    .json({ error: refusal.error, error_description: TOKEN_REFUSALS[refusal.reason][locale] });
}
