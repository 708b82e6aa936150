import { DOCUMENT_CATEGORIES, PURPOSES } from '../../policies/index.js';
import { MESSAGE_MAX_LENGTH } from '../access-requests/access-request-message.js';
import { describeError, ERROR_CATALOG, type ErrorCode } from '../errors/error-catalog.js';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../http/page-query.js';
import { ACCESS_TOKEN_LIFETIME_SECONDS } from '../partners/oauth/access-token.js';
import { PARTNER_KEY_ALGORITHMS, PARTNER_KINDS } from '../partners/partner.types.js';

/** A JSON value of the OpenAPI document; the document is plain data. */
export type JsonObject = { [key: string]: unknown };

/** An OpenAPI Operation Object. */
export type Operation = JsonObject;

/** OpenAPI Paths Object: Express-free paths (`{id}`) to lower-case methods to operations. */
export type PathItems = Record<string, Record<string, Operation>>;

export const SCHEMA_DIALECT = 'https://spec.openapis.org/oas/3.1/dialect/base';

const EXAMPLE_UUID = '6f1c2d3e-4b5a-4c7d-8e9f-0a1b2c3d4e5f';
const EXAMPLE_REQUEST_ID = '0b9d6c55-3f0e-4b8e-9a57-2c1d3e4f5a6b';

export function ref(schema: string): JsonObject {
  return { $ref: `#/components/schemas/${schema}` };
}

// ---------------------------------------------------------------------------
// Security requirements

/** Safe methods of a person, DPO or administrator: the session cookie alone. */
export const SESSION = [{ sessionCookie: [] }];
/** Unsafe methods of a cookie session: the cookie and the session's CSRF token, both required. */
export const SESSION_WITH_CSRF = [{ sessionCookie: [], csrfToken: [] }];
/** The partner API: an access token from `POST /oauth/token`. */
export const PARTNER_TOKEN = [{ partnerBearer: [] }];
/** No authentication. */
export const PUBLIC: JsonObject[] = [];

// ---------------------------------------------------------------------------
// Parameters

export function pathId(name: string, description: string): JsonObject {
  return { name, in: 'path', required: true, description, schema: { type: 'string', format: 'uuid' } };
}

/** The `limit` and `cursor` of a newest-first listing. */
export const PAGE_PARAMETERS: JsonObject[] = [
  { $ref: '#/components/parameters/limit' },
  { $ref: '#/components/parameters/cursor' },
];

// ---------------------------------------------------------------------------
// Responses

/** Builds a 2xx response with a JSON body. */
export function jsonResponse(description: string, schema: JsonObject, example?: unknown, headers?: JsonObject): JsonObject {
  const media: JsonObject = { schema };
  if (example !== undefined) media.example = example;
  const response: JsonObject = { description, content: { 'application/json': media } };
  if (headers) response.headers = headers;
  return response;
}

export const NO_STORE_HEADER = { 'Cache-Control': { $ref: '#/components/headers/CacheControlNoStore' } };
export const CREATED_HEADERS = { Location: { $ref: '#/components/headers/Location' }, ...NO_STORE_HEADER };

/** Builds the response of a streamed download, sent as an attachment. */
export function attachmentResponse(description: string, mediaTypes: readonly string[]): JsonObject {
  const content: JsonObject = {};
  for (const mediaType of mediaTypes) content[mediaType] = { schema: { type: 'string', contentMediaType: mediaType } };
  return {
    description,
    headers: {
      'Content-Disposition': { $ref: '#/components/headers/ContentDisposition' },
      ...NO_STORE_HEADER,
    },
    content,
  };
}

// Parameters of the catalog's details, so that each example reads as a real response.
const EXAMPLE_PARAMS: Partial<Record<ErrorCode, Record<string, string | number>>> = {
  validation_failed: { field: 'limit', reason: 'nombre entier de 1 à 200 attendu', reasonEn: 'an integer from 1 to 200 is expected' },
  file_too_large: { maxMegabytes: 50 },
  category_unknown: { category: 'factures', allowed: DOCUMENT_CATEGORIES.join(', ') },
  purpose_unknown: { purpose: 'prospection', allowed: PURPOSES.join(', ') },
  partner_token_invalid: { reason: 'token_expired' },
};

function problemExample(code: ErrorCode): JsonObject {
  const { status, title, detail } = describeError(code, 'fr', EXAMPLE_PARAMS[code] ?? {});
  return { type: `urn:coffre:problem:${code}`, code, status, title, detail, requestId: EXAMPLE_REQUEST_ID };
}

/**
 * Builds the error responses of an operation from the catalog codes it can
 * return, grouped by status, with each code's French title and an example.
 * `internal_error` (500) is added to every operation.
 */
export function problems(...codes: ErrorCode[]): Record<string, JsonObject> {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of new Set<ErrorCode>([...codes, 'internal_error'])) {
    const status = ERROR_CATALOG[code].status;
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }

  const responses: Record<string, JsonObject> = {};
  for (const [status, statusCodes] of [...byStatus].sort(([left], [right]) => left - right)) {
    const listed = statusCodes.map((code) => `\`${code}\` (« ${ERROR_CATALOG[code].fr.title} »)`).join(', ');
    const examples: JsonObject = {};
    for (const code of statusCodes) examples[code] = { summary: ERROR_CATALOG[code].en.title, value: problemExample(code) };
    const response: JsonObject = {
      description: `Problem detail (RFC 9457) with one of these codes: ${listed}.`,
      content: { 'application/problem+json': { schema: ref('Problem'), examples } },
    };
    if (status === 429) response.headers = { 'Retry-After': { $ref: '#/components/headers/RetryAfter' } };
    if (statusCodes.includes('partner_token_invalid')) response.headers = { 'WWW-Authenticate': { $ref: '#/components/headers/WwwAuthenticate' } };
    responses[String(status)] = response;
  }
  return responses;
}

/** Codes of any route behind `requireSession`. */
export const SESSION_ERRORS: ErrorCode[] = ['unauthenticated', 'session_expired'];
/** Codes of an unsafe route behind `requireSession` and `requireCsrf`. */
export const SESSION_WITH_CSRF_ERRORS: ErrorCode[] = [...SESSION_ERRORS, 'csrf_failed', 'origin_mismatch'];
/**
 * Codes of the JSON body parser of the sharing routes (32 KiB): an unreadable
 * body is `validation_failed` on `body`, and a body over the limit gets
 * 413 `file_too_large`.
 */
export const JSON_BODY_ERRORS: ErrorCode[] = ['validation_failed', 'file_too_large'];
/** Codes of a route whose decision is recorded in the audit log, which fails closed. */
export const AUDITED_ERRORS: ErrorCode[] = ['audit_unavailable'];

// ---------------------------------------------------------------------------
// Shared schemas

const dateTime = { type: 'string', format: 'date-time', description: 'RFC 3339, UTC.' };
const nullableDateTime = { type: ['string', 'null'], format: 'date-time', description: 'RFC 3339, UTC, or null.' };
const uuid = { type: 'string', format: 'uuid' };
const nextCursor = {
  type: ['string', 'null'],
  description: 'Opaque cursor of the next page, to send back as `cursor`; null on the last page.',
};

function page(item: string, description: string): JsonObject {
  return {
    type: 'object',
    description,
    required: ['items', 'nextCursor'],
    properties: { items: { type: 'array', items: ref(item) }, nextCursor },
  };
}

const categoryView = {
  type: 'object',
  required: ['code', 'label'],
  properties: { code: ref('DocumentCategory'), label: { type: 'string', description: 'Label in the response language.' } },
};

const partnerRef = {
  type: 'object',
  required: ['id', 'name'],
  properties: { id: uuid, name: { type: 'string' } },
};

const grantStatus = {
  type: 'string',
  enum: ['active', 'revoked', 'expired', 'not_started'],
  description: 'Status at the time of the response.',
};

const accessRequestStatus = {
  type: 'string',
  enum: ['pending', 'approved', 'refused', 'expired', 'cancelled'],
  description: '`expired` also for a pending request past `expiresAt`.',
};

const schemas: Record<string, JsonObject> = {
  Problem: {
    type: 'object',
    description:
      'RFC 9457 problem detail, sent as `application/problem+json` with `Content-Language`. `code` is stable and part of the contract; `title` and `detail` are in French, or in English when Accept-Language prefers it.',
    required: ['type', 'code', 'status', 'title', 'detail', 'requestId'],
    properties: {
      type: { type: 'string', format: 'uri', description: '`urn:coffre:problem:` followed by `code`.', examples: ['urn:coffre:problem:not_found'] },
      code: { type: 'string', enum: Object.keys(ERROR_CATALOG) },
      status: { type: 'integer', minimum: 400, maximum: 599 },
      title: { type: 'string' },
      detail: { type: 'string' },
      requestId: { type: ['string', 'null'], description: 'Same value as the `X-Request-Id` response header; give it to support.' },
    },
  },
  DocumentCategory: {
    type: 'string',
    enum: [...DOCUMENT_CATEGORIES],
    description: '`decision_mdph` covers RQTH, AAH, PCH, CMI and orientation decisions.',
  },
  Purpose: {
    type: 'string',
    enum: [...PURPOSES],
    description: 'Purpose (finalité) of a grant. `other` needs a `purposeText` of 3 to 500 characters.',
  },
  PartnerKind: { type: 'string', enum: [...PARTNER_KINDS] },
  Me: {
    type: 'object',
    required: ['id', 'roles', 'csrfToken', 'sessionExpiresAt'],
    properties: {
      id: { ...uuid, description: 'Account id.' },
      roles: { type: 'array', items: { type: 'string', enum: ['person', 'dpo', 'admin'] } },
      csrfToken: { type: 'string', description: 'Send it back in the `X-CSRF-Token` header of every unsafe request.' },
      sessionExpiresAt: dateTime,
    },
  },
  ConsentText: {
    type: 'object',
    required: ['version', 'locale', 'text', 'placeholders'],
    properties: {
      version: { type: 'string', examples: ['2026-12-v1'] },
      locale: { type: 'string', enum: ['fr', 'en'] },
      text: { type: 'string', description: 'Text with `{placeholder}` marks that the page fills in.' },
      placeholders: { type: 'array', items: { type: 'string' } },
    },
  },
  Document: {
    type: 'object',
    description: 'A document in its owner\'s view, or in a partner\'s view through a grant.',
    required: ['id', 'category', 'title', 'fileName', 'mediaType', 'sizeBytes', 'createdAt'],
    properties: {
      id: uuid,
      category: ref('DocumentCategory'),
      title: { type: 'string', maxLength: 200 },
      fileName: { type: 'string', maxLength: 255 },
      mediaType: { type: 'string', enum: ['application/pdf', 'image/jpeg', 'image/png'], description: 'Decided from the bytes at upload.' },
      sizeBytes: { type: 'integer', minimum: 1 },
      createdAt: dateTime,
    },
  },
  DocumentPage: page('Document', 'A page of documents, newest first.'),
  UploadForm: {
    type: 'object',
    description:
      'Multipart form, streamed: the text fields must come before `file`. Any other field is rejected. `_csrf` is accepted in place of the header.',
    required: ['category', 'file'],
    properties: {
      category: ref('DocumentCategory'),
      title: { type: 'string', maxLength: 200, description: 'Optional; blank or absent means the file name without its extension.' },
      _csrf: { type: 'string' },
      file: {
        type: 'string',
        contentMediaType: 'application/octet-stream',
        description: 'A PDF, JPEG or PNG file, recognised from its bytes whatever its name; at most COFFRE_MAX_UPLOAD_BYTES (50 MiB by default).',
      },
    },
  },
  PartnerDirectoryEntry: {
    type: 'object',
    required: ['id', 'name', 'kind'],
    properties: { id: uuid, name: { type: 'string' }, kind: ref('PartnerKind') },
  },
  PartnerDirectory: {
    type: 'object',
    description: 'Every active partner, by name in French alphabetical order; not paginated.',
    required: ['items'],
    properties: { items: { type: 'array', items: ref('PartnerDirectoryEntry') } },
  },
  GrantRequest: {
    type: 'object',
    additionalProperties: false,
    required: ['partnerId', 'purpose'],
    properties: {
      partnerId: uuid,
      purpose: ref('Purpose'),
      purposeText: { type: ['string', 'null'], description: 'Required with `other`, rejected otherwise; 3 to 500 characters.' },
      documentIds: { type: 'array', maxItems: 200, items: uuid },
      categories: { type: 'array', maxItems: 20, items: ref('DocumentCategory'), description: 'Whole categories, including documents added to them later.' },
      startsAt: { ...nullableDateTime, description: 'Default: now. Never in the past.' },
      endsAt: { ...nullableDateTime, description: 'Default: three calendar months after the start; at most one year after it.' },
      consentVersion: { type: 'string', description: 'Version of the consent text the page showed; when given, it must be the current one.' },
    },
    description: 'At least one document or one category.',
  },
  Grant: {
    type: 'object',
    description: 'A grant (partage) in its person\'s view.',
    required: ['id', 'partner', 'purpose', 'purposeLabel', 'purposeText', 'documents', 'categories', 'startsAt', 'endsAt', 'revokedAt', 'createdAt', 'status', 'consentVersion'],
    properties: {
      id: uuid,
      partner: partnerRef,
      purpose: ref('Purpose'),
      purposeLabel: { type: 'string' },
      purposeText: { type: ['string', 'null'] },
      documents: {
        type: 'array',
        description: 'Listed documents that still exist.',
        items: {
          type: 'object',
          required: ['id', 'category', 'title'],
          properties: { id: uuid, category: ref('DocumentCategory'), title: { type: 'string' } },
        },
      },
      categories: { type: 'array', items: categoryView },
      startsAt: dateTime,
      endsAt: dateTime,
      revokedAt: nullableDateTime,
      createdAt: dateTime,
      status: grantStatus,
      consentVersion: { type: 'string' },
    },
  },
  GrantPage: page('Grant', 'A page of the person\'s grants, newest first.'),
  SharingCode: {
    type: 'object',
    required: ['id', 'status', 'expiresAt', 'revokedAt', 'createdAt'],
    properties: {
      id: uuid,
      status: { type: 'string', enum: ['active', 'expired', 'revoked'] },
      expiresAt: dateTime,
      revokedAt: nullableDateTime,
      createdAt: dateTime,
    },
  },
  CreatedSharingCode: {
    description: 'A new sharing code; `code` is returned here only, never again.',
    allOf: [
      ref('SharingCode'),
      {
        type: 'object',
        required: ['code'],
        properties: { code: { type: 'string', pattern: '^[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{2}$', examples: ['K7QM-3XRT-9P'] } },
      },
    ],
  },
  SharingCodePage: page('SharingCode', 'A page of the person\'s sharing codes, newest first.'),
  AccessRequest: {
    type: 'object',
    description: 'An access request (demande d\'accès) in its person\'s view.',
    required: ['id', 'partner', 'purpose', 'purposeLabel', 'purposeText', 'categories', 'message', 'requestedEndsAt', 'status', 'createdAt', 'expiresAt', 'answeredAt', 'grantId'],
    properties: {
      id: uuid,
      partner: partnerRef,
      purpose: ref('Purpose'),
      purposeLabel: { type: 'string' },
      purposeText: { type: ['string', 'null'] },
      categories: { type: 'array', items: categoryView },
      message: { type: ['string', 'null'], description: 'The partner\'s message, if it sent one.' },
      requestedEndsAt: dateTime,
      status: accessRequestStatus,
      createdAt: dateTime,
      expiresAt: dateTime,
      answeredAt: nullableDateTime,
      grantId: { type: ['string', 'null'], format: 'uuid' },
    },
  },
  AccessRequestPage: page('AccessRequest', 'A page of the access requests sent to the person, newest first.'),
  Approval: {
    type: 'object',
    additionalProperties: false,
    properties: {
      endsAt: { ...nullableDateTime, description: 'An earlier end than the partner asked for; never a later one.' },
      documentIds: { type: 'array', maxItems: 200, items: uuid, description: 'Documents to share beyond the requested categories.' },
    },
  },
  ApprovalResult: {
    type: 'object',
    required: ['request', 'grant'],
    properties: { request: ref('AccessRequest'), grant: ref('Grant') },
  },
  AccessHistoryItem: {
    type: 'object',
    description: 'One event of the person\'s access history (historique des accès).',
    required: ['time', 'kind', 'label', 'partner', 'purpose', 'purposeLabel', 'document', 'grantId', 'outcome', 'reason', 'reasonLabel'],
    properties: {
      time: dateTime,
      kind: {
        type: 'string',
        enum: ['document_download', 'document_list', 'access_request', 'access_request_read', 'grant_created', 'grant_revoked', 'grant_expired', 'partner_access'],
      },
      label: { type: 'string' },
      partner: { oneOf: [partnerRef, { type: 'null' }] },
      purpose: { type: ['string', 'null'] },
      purposeLabel: { type: ['string', 'null'] },
      document: {
        oneOf: [
          { type: 'object', required: ['id', 'title'], properties: { id: uuid, title: { type: ['string', 'null'], description: 'Null when the document was deleted or its title does not decrypt.' } } },
          { type: 'null' },
        ],
      },
      grantId: { type: ['string', 'null'], format: 'uuid' },
      outcome: { type: 'string', enum: ['allow', 'deny'] },
      reason: { type: ['string', 'null'], description: 'Reason code of a refused attempt.' },
      reasonLabel: { type: ['string', 'null'] },
    },
  },
  AccessHistoryPage: page('AccessHistoryItem', 'A page of the access history, newest first.'),
  PartnerGrant: {
    type: 'object',
    description: 'A grant in its partner\'s view: no name, no person id, only a pseudonym stable for this partner.',
    required: ['id', 'purpose', 'purposeText', 'startsAt', 'endsAt', 'status', 'personRef'],
    properties: {
      id: uuid,
      purpose: ref('Purpose'),
      purposeText: { type: ['string', 'null'] },
      startsAt: dateTime,
      endsAt: dateTime,
      status: grantStatus,
      personRef: { type: 'string', pattern: '^[0-9a-f]{32}$' },
    },
  },
  PartnerGrantPage: page('PartnerGrant', 'A page of the grants made to the partner, in every status, newest first.'),
  PartnerDocumentList: {
    type: 'object',
    description: 'Every document the grant covers now; not paginated.',
    required: ['items'],
    properties: { items: { type: 'array', items: ref('Document') } },
  },
  PartnerAccessRequestBody: {
    type: 'object',
    additionalProperties: false,
    required: ['sharingCode', 'purpose'],
    properties: {
      sharingCode: { type: 'string', maxLength: 40, description: 'The code the person gave; case, spaces and hyphens do not matter.' },
      purpose: ref('Purpose'),
      purposeText: { type: ['string', 'null'] },
      categories: { type: 'array', maxItems: 20, items: ref('DocumentCategory') },
      message: { type: ['string', 'null'], description: `A message for the person, at most ${MESSAGE_MAX_LENGTH} characters, stored encrypted under the person's key.` },
      requestedDurationDays: { type: 'integer', minimum: 1, maximum: 365 },
    },
  },
  PartnerAccessRequest: {
    type: 'object',
    description: 'An access request in its partner\'s view; the message is not returned.',
    required: ['id', 'status', 'purpose', 'purposeText', 'categories', 'requestedEndsAt', 'createdAt', 'expiresAt', 'answeredAt', 'grantId'],
    properties: {
      id: uuid,
      status: accessRequestStatus,
      purpose: ref('Purpose'),
      purposeText: { type: ['string', 'null'] },
      categories: { type: 'array', items: ref('DocumentCategory') },
      requestedEndsAt: dateTime,
      createdAt: dateTime,
      expiresAt: dateTime,
      answeredAt: nullableDateTime,
      grantId: { type: ['string', 'null'], format: 'uuid', description: 'Set once the person approved: read the documents through this grant.' },
    },
  },
  AuditJournalItem: {
    type: 'object',
    description: 'One audit log entry: ids and codes only, never a title, file name or content.',
    required: ['chain', 'seq', 'time', 'actorType', 'actorId', 'subjectId', 'action', 'actionLabel', 'resourceType', 'resourceId', 'outcome', 'reason', 'reasonLabel', 'partnerId', 'grantId', 'requestId'],
    properties: {
      chain: { type: 'integer', minimum: 0, maximum: 31, description: 'The chain of the entry. Every entry about one person is in the same chain.' },
      seq: { type: 'integer', minimum: 1, description: 'Position of the entry in its chain.' },
      time: dateTime,
      actorType: { type: 'string' },
      actorId: { type: ['string', 'null'] },
      subjectId: { type: ['string', 'null'], description: 'The person whose data the entry concerns.' },
      action: { type: 'string', examples: ['partner.document.download'] },
      actionLabel: { type: 'string' },
      resourceType: { type: ['string', 'null'] },
      resourceId: { type: ['string', 'null'] },
      outcome: { type: 'string', enum: ['allow', 'deny'] },
      reason: { type: ['string', 'null'] },
      reasonLabel: { type: ['string', 'null'] },
      partnerId: { type: ['string', 'null'] },
      grantId: { type: ['string', 'null'] },
      requestId: { type: ['string', 'null'] },
    },
  },
  AuditJournalPage: page('AuditJournalItem', 'A page of the audit log, newest first.'),
  AuditVerification: {
    type: 'object',
    description: 'Result of recomputing every hash chain and the checkpoint signatures.',
    required: ['valid', 'entriesChecked', 'checkpointsChecked', 'head', 'heads', 'latestCheckpoint'],
    properties: {
      valid: { type: 'boolean' },
      entriesChecked: { type: 'integer', minimum: 0 },
      checkpointsChecked: { type: 'integer', minimum: 0 },
      heads: {
        type: 'array',
        description: 'Last entry of each chain that verified to its end, in chain order.',
        items: {
          type: 'object',
          required: ['chain', 'seq', 'hash'],
          properties: { chain: { type: 'integer' }, seq: { type: 'integer' }, hash: { type: 'string', pattern: '^[0-9a-f]{64}$' } },
        },
      },
      head: {
        oneOf: [
          {
            type: 'object',
            required: ['chain', 'seq', 'hash'],
            properties: { chain: { type: 'integer' }, seq: { type: 'integer' }, hash: { type: 'string', pattern: '^[0-9a-f]{64}$' } },
          },
          { type: 'null' },
        ],
        description: 'Last entry that verified.',
      },
      failure: {
        type: 'object',
        description: 'The first problem found; present only when `valid` is false.',
        required: ['kind', 'chain', 'seq', 'detail'],
        properties: {
          kind: { type: 'string', enum: ['hash_mismatch', 'sequence_gap', 'entry_mismatch', 'unknown_chain', 'checkpoint_mismatch', 'bad_signature'] },
          chain: { type: 'integer' },
          seq: { type: 'integer' },
          detail: { type: 'string' },
        },
      },
      latestCheckpoint: {
        oneOf: [
          {
            type: 'object',
            required: ['chain', 'seq', 'headHash', 'time', 'keyId'],
            properties: { chain: { type: 'integer' }, seq: { type: 'integer' }, headHash: { type: 'string', pattern: '^[0-9a-f]{64}$' }, time: dateTime, keyId: { type: 'string' } },
          },
          { type: 'null' },
        ],
      },
    },
  },
  AuditKeySet: {
    type: 'object',
    description: 'Every audit signing key that the vault trusts, current and retired, oldest first.',
    required: ['format', 'keys'],
    properties: {
      format: { const: 'coffre-audit-keys/1' },
      keys: {
        type: 'array',
        items: {
          type: 'object',
          required: ['keyId', 'algorithm', 'publicKey', 'createdAt', 'retiredAt'],
          properties: {
            keyId: { type: 'string' },
            algorithm: { const: 'Ed25519' },
            publicKey: { type: 'string', description: 'The 32-byte public key, base64url without padding.' },
            createdAt: dateTime,
            retiredAt: nullableDateTime,
          },
        },
      },
    },
  },
  Partner: {
    type: 'object',
    description: 'A partner in the administrators\' view. Keys are listed by kid and algorithm only.',
    required: ['id', 'name', 'kind', 'siret', 'status', 'clientId', 'keys', 'createdAt', 'suspendedAt'],
    properties: {
      id: uuid,
      name: { type: 'string', maxLength: 200 },
      kind: ref('PartnerKind'),
      siret: { type: ['string', 'null'], pattern: '^[0-9]{14}$' },
      status: { type: 'string', enum: ['active', 'suspended'] },
      clientId: { type: 'string', description: 'OAuth client id: the `iss` and `sub` of the partner\'s client assertions.' },
      keys: {
        type: 'array',
        items: {
          type: 'object',
          required: ['kid', 'alg'],
          properties: { kid: { type: 'string' }, alg: { type: 'string', enum: [...PARTNER_KEY_ALGORITHMS] } },
        },
      },
      createdAt: dateTime,
      suspendedAt: nullableDateTime,
    },
  },
  PartnerPage: page('Partner', 'A page of the partner registry, newest first.'),
  PartnerRegistration: {
    type: 'object',
    additionalProperties: false,
    required: ['name', 'kind', 'jwks'],
    properties: {
      name: { type: 'string', minLength: 1, maxLength: 200, description: 'Trimmed; no control characters.' },
      kind: ref('PartnerKind'),
      siret: { type: ['string', 'null'], description: '14 digits with a valid Luhn check digit; spaces are allowed; blank means none.' },
      jwks: {
        type: 'object',
        description: `A JWK Set of 1 to 10 public signing keys, each with a unique \`kid\` and an \`alg\` among ${PARTNER_KEY_ALGORITHMS.join(', ')} that matches its type; RSA keys of at least 2048 bits. Private members are rejected.`,
        required: ['keys'],
        properties: { keys: { type: 'array', minItems: 1, maxItems: 10, items: { type: 'object' } } },
      },
    },
    description: 'Body of at most 64 KiB.',
  },
  TokenRequest: {
    type: 'object',
    description:
      'OAuth 2.0 client credentials request (RFC 6749, section 4.4) with private_key_jwt client authentication (RFC 7523): a form of at most 16 KiB, each parameter at most once. Other parameters, such as `scope`, are ignored.',
    required: ['grant_type', 'client_assertion_type', 'client_assertion'],
    properties: {
      grant_type: { const: 'client_credentials' },
      client_assertion_type: { const: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer' },
      client_assertion: {
        type: 'string',
        description:
          'A JWT signed with a registered key of the partner (`alg` ES256, PS256 or RS256, matching the key; `kid` header required). Claims: `iss` and `sub` equal to the client id, `aud` the token endpoint URL or the vault\'s URL, `exp` at most 5 minutes ahead, and a single-use `jti` of 1 to 256 characters.',
      },
      client_id: { type: 'string', description: 'Optional; when sent, it must equal the assertion\'s `iss`.' },
    },
  },
  TokenResponse: {
    type: 'object',
    required: ['access_token', 'token_type', 'expires_in'],
    properties: {
      access_token: { type: 'string', description: 'An ES256 JWT signed by the vault; send it as `Authorization: Bearer`.' },
      token_type: { const: 'Bearer' },
      expires_in: { type: 'integer', description: 'Lifetime in seconds.', examples: [ACCESS_TOKEN_LIFETIME_SECONDS] },
    },
  },
  OAuthError: {
    type: 'object',
    description: 'RFC 6749 (section 5.2) error of the token endpoint. Act on `error`; `error_description` is in French unless Accept-Language prefers English.',
    required: ['error', 'error_description'],
    properties: {
      error: { type: 'string', enum: ['invalid_request', 'invalid_client', 'invalid_grant', 'unsupported_grant_type'] },
      error_description: { type: 'string' },
    },
  },
};

/** Builds the Components Object: schemas, shared parameters and headers, and security schemes. */
export function buildComponents(publicUrl: string): JsonObject {
  return {
    schemas,
    parameters: {
      limit: {
        name: 'limit',
        in: 'query',
        required: false,
        description: `Page size, from 1 to ${MAX_PAGE_SIZE}; default ${DEFAULT_PAGE_SIZE}.`,
        schema: { type: 'integer', minimum: 1, maximum: MAX_PAGE_SIZE, default: DEFAULT_PAGE_SIZE },
      },
      cursor: {
        name: 'cursor',
        in: 'query',
        required: false,
        description: 'The `nextCursor` of the previous page. Any other value is a `validation_failed` on `cursor`.',
        schema: { type: 'string' },
      },
    },
    headers: {
      Location: { description: 'URL of the created resource.', schema: { type: 'string', format: 'uri-reference' } },
      CacheControlNoStore: { description: 'The response must not be stored by any cache.', schema: { const: 'no-store' } },
      RetryAfter: { description: 'Seconds to wait before the next attempt.', schema: { type: 'integer', minimum: 1 } },
      ContentDisposition: {
        description: 'Always `attachment`, with an ASCII `filename` fallback and an RFC 5987 `filename*` (RFC 6266).',
        schema: { type: 'string' },
      },
      WwwAuthenticate: {
        description: '`Bearer realm="coffre"` without a token, and `error="invalid_token"` added for a rejected one (RFC 6750).',
        schema: { type: 'string' },
      },
    },
    securitySchemes: {
      sessionCookie: {
        type: 'apiKey',
        in: 'cookie',
        name: '__Host-coffre_session',
        description:
          'Session of a person, DPO or administrator, opened by signing in at `GET /auth/login` (OpenID Connect). On the embedded default\'s plain http://localhost the cookie is `coffre_session`.',
      },
      csrfToken: {
        type: 'apiKey',
        in: 'header',
        name: 'X-CSRF-Token',
        description:
          'The `csrfToken` of `GET /api/v1/me`, required with the session cookie on every unsafe method. An `Origin` header, when sent, must be the vault\'s own.',
      },
      partnerBearer: {
        type: 'http',
        scheme: 'bearer',
        bearerFormat: 'JWT',
        description: `An access token of the partner API, obtained at \`POST /oauth/token\`. It lasts ${ACCESS_TOKEN_LIFETIME_SECONDS} seconds, so request a new one when it expires.`,
      },
      partnerClientCredentials: {
        type: 'oauth2',
        description:
          'How partners obtain the `partnerBearer` token: the client credentials grant, authenticated by a `private_key_jwt` client assertion (RFC 7523) signed with a key registered by an administrator. No client secret exists.',
        flows: { clientCredentials: { tokenUrl: `${publicUrl}/oauth/token`, scopes: {} } },
      },
    },
  };
}

export { EXAMPLE_UUID };
