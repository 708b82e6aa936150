import { SHARING_CODES_PER_HOUR } from '../access-requests/sharing-code.routes.js';
import { UPLOADS_PER_WINDOW } from '../documents/document.routes.js';
import {
  AUDITED_ERRORS,
  attachmentResponse,
  CREATED_HEADERS,
  EXAMPLE_UUID,
  JSON_BODY_ERRORS,
  jsonResponse,
  NO_STORE_HEADER,
  PAGE_PARAMETERS,
  pathId,
  problems,
  PUBLIC,
  ref,
  SESSION,
  SESSION_ERRORS,
  SESSION_WITH_CSRF,
  SESSION_WITH_CSRF_ERRORS,
  type PathItems,
} from './components.js';

const TAG = 'Person';

// Every sharing route rejects a staff session (`role_not_allowed`) with 403 `forbidden`.
const SHARING_ERRORS = [...SESSION_ERRORS, 'forbidden', ...AUDITED_ERRORS] as const;
const SHARING_WRITE_ERRORS = [...SESSION_WITH_CSRF_ERRORS, 'forbidden', ...JSON_BODY_ERRORS, ...AUDITED_ERRORS] as const;

const documentId = pathId('id', 'Document id. Another person\'s document is answered as not found.');
const grantId = pathId('id', 'Grant id.');

const exampleDocument = {
  id: EXAMPLE_UUID,
  category: 'decision_mdph',
  title: 'Notification RQTH 2026',
  fileName: 'notification-rqth.pdf',
  mediaType: 'application/pdf',
  sizeBytes: 184_320,
  createdAt: '2026-12-04T09:30:00.000Z',
};

const idempotencyKey = {
  name: 'Idempotency-Key',
  in: 'header',
  required: false,
  description:
    'Makes a retry safe: the same key with the same body returns the grant created first (200); with another body, 422 `idempotency_key_reused`. 1 to 200 visible ASCII characters, without spaces.',
  schema: { type: 'string', pattern: '^[\\x21-\\x7e]{1,200}$' },
};

/** Paths of `/api/v1`, the API of the signed-in person. */
export const personPaths: PathItems = {
  '/api/v1/me': {
    get: {
      tags: [TAG],
      operationId: 'getMe',
      summary: 'Who is signed in, and the CSRF token',
      description: 'Returns the session\'s account, its roles and the CSRF token that every unsafe request sends back in `X-CSRF-Token`. Open to every signed-in role.',
      security: SESSION,
      responses: {
        '200': jsonResponse('The session.', ref('Me'), undefined, NO_STORE_HEADER),
        ...problems(...SESSION_ERRORS),
      },
    },
  },

  '/api/v1/consent-text': {
    get: {
      tags: [TAG],
      operationId: 'getConsentText',
      summary: 'Consent text shown before a grant',
      description: 'Returns the current consent text, or the requested version, in the request\'s language. Public: it is the same for everyone and contains no personal data.',
      security: PUBLIC,
      parameters: [{ name: 'version', in: 'query', required: false, description: 'A past or current version; default: the current one.', schema: { type: 'string' } }],
      responses: {
        '200': jsonResponse('The consent text.', ref('ConsentText')),
        ...problems('validation_failed', 'not_found'),
      },
    },
  },

  '/api/v1/documents': {
    post: {
      tags: [TAG],
      operationId: 'uploadDocument',
      summary: 'Upload a document',
      description:
        `Streams one file into the vault, encrypted under a new document key. The type is decided from the bytes (PDF, JPEG or PNG); a refused or aborted upload leaves nothing behind. Rate-limited per account (${UPLOADS_PER_WINDOW} uploads a minute). Staff sessions are rejected.`,
      security: SESSION_WITH_CSRF,
      requestBody: {
        required: true,
        content: {
          'multipart/form-data': {
            schema: ref('UploadForm'),
            encoding: { file: { contentType: 'application/pdf, image/jpeg, image/png' } },
          },
        },
      },
      responses: {
        '201': jsonResponse('The stored document.', ref('Document'), exampleDocument, CREATED_HEADERS),
        ...problems(
          ...SESSION_WITH_CSRF_ERRORS,
          'validation_failed',
          'file_missing',
          'category_missing',
          'upload_malformed',
          'forbidden',
          'file_too_large',
          'file_type_not_accepted',
          'file_empty',
          'category_unknown',
          'rate_limited',
          ...AUDITED_ERRORS,
        ),
      },
    },
    get: {
      tags: [TAG],
      operationId: 'listDocuments',
      summary: 'List my documents',
      description: 'Returns a page of the person\'s documents, newest first, with their decrypted titles and file names.',
      security: SESSION,
      parameters: [
        ...PAGE_PARAMETERS,
        { name: 'category', in: 'query', required: false, description: 'Only documents of this category.', schema: ref('DocumentCategory') },
      ],
      responses: {
        '200': jsonResponse('A page of documents.', ref('DocumentPage'), { items: [exampleDocument], nextCursor: null }, NO_STORE_HEADER),
        ...problems(...SESSION_ERRORS, 'validation_failed', 'forbidden', 'category_unknown', ...AUDITED_ERRORS),
      },
    },
  },

  '/api/v1/documents/{id}': {
    get: {
      tags: [TAG],
      operationId: 'getDocument',
      summary: 'Read a document\'s metadata',
      security: SESSION,
      parameters: [documentId],
      responses: {
        '200': jsonResponse('The document.', ref('Document'), exampleDocument, NO_STORE_HEADER),
        ...problems(...SESSION_ERRORS, 'forbidden', 'not_found', ...AUDITED_ERRORS),
      },
    },
    delete: {
      tags: [TAG],
      operationId: 'deleteDocument',
      summary: 'Delete a document',
      description: 'Deletes the document; it also leaves every grant that listed it.',
      security: SESSION_WITH_CSRF,
      parameters: [documentId],
      responses: {
        '204': { description: 'Deleted.' },
        ...problems(...SESSION_WITH_CSRF_ERRORS, 'forbidden', 'not_found', ...AUDITED_ERRORS),
      },
    },
  },

  '/api/v1/documents/{id}/content': {
    get: {
      tags: [TAG],
      operationId: 'downloadDocument',
      summary: 'Download a document',
      description:
        'Streams the decrypted content as an attachment with the stored media type and `X-Content-Type-Options: nosniff`. The download is recorded in the audit log before the first byte is sent. A failure after the headers cuts the transfer short of its `Content-Length`.',
      security: SESSION,
      parameters: [documentId],
      responses: {
        '200': attachmentResponse('The document\'s content.', ['application/pdf', 'image/jpeg', 'image/png']),
        ...problems(...SESSION_ERRORS, 'forbidden', 'not_found', ...AUDITED_ERRORS),
      },
    },
  },

  '/api/v1/partners': {
    get: {
      tags: [TAG],
      operationId: 'listPartnerDirectory',
      summary: 'Partners one can share with',
      description: 'Returns the active partners, by name in French alphabetical order. Only the `person` role may read it.',
      security: SESSION,
      responses: {
        '200': jsonResponse('The directory.', ref('PartnerDirectory'), { items: [{ id: EXAMPLE_UUID, name: 'Cap emploi de Nulle-Part', kind: 'cap_emploi' }] }, NO_STORE_HEADER),
        ...problems(...SESSION_ERRORS, 'forbidden'),
      },
    },
  },

  '/api/v1/grants': {
    post: {
      tags: [TAG],
      operationId: 'createGrant',
      summary: 'Share documents with a partner',
      description:
        'Creates a grant (partage): the person\'s consent for one partner, for a stated purpose (finalité) and a limited time. Returns 201 for a new grant, and 200 when an `Idempotency-Key` retry returns the grant created first.',
      security: SESSION_WITH_CSRF,
      parameters: [idempotencyKey],
      requestBody: {
        required: true,
        content: {
          'application/json': {
            schema: ref('GrantRequest'),
            example: { partnerId: EXAMPLE_UUID, purpose: 'employment_support', categories: ['decision_mdph'], endsAt: '2027-03-04T00:00:00Z' },
          },
        },
      },
      responses: {
        '200': jsonResponse('The grant created earlier with the same Idempotency-Key and body.', ref('Grant'), undefined, CREATED_HEADERS),
        '201': jsonResponse('The new grant.', ref('Grant'), undefined, CREATED_HEADERS),
        ...problems(
          ...SHARING_WRITE_ERRORS,
          'partner_not_found',
          'document_not_found',
          'consent_version_outdated',
          'request_conflict',
          'partner_not_active',
          'category_unknown',
          'scope_empty',
          'purpose_unknown',
          'purpose_text_required',
          'purpose_text_not_allowed',
          'grant_window_invalid',
          'grant_start_in_past',
          'grant_too_long',
          'idempotency_key_reused',
        ),
      },
    },
    get: {
      tags: [TAG],
      operationId: 'listGrants',
      summary: 'List my grants',
      security: SESSION,
      parameters: PAGE_PARAMETERS,
      responses: {
        '200': jsonResponse('A page of grants, in every status.', ref('GrantPage'), undefined, NO_STORE_HEADER),
        ...problems(...SHARING_ERRORS, 'validation_failed'),
      },
    },
  },

  '/api/v1/grants/{id}': {
    get: {
      tags: [TAG],
      operationId: 'getGrant',
      summary: 'Read a grant',
      security: SESSION,
      parameters: [grantId],
      responses: {
        '200': jsonResponse('The grant.', ref('Grant'), undefined, NO_STORE_HEADER),
        ...problems(...SHARING_ERRORS, 'grant_not_found'),
      },
    },
  },

  '/api/v1/grants/{id}/revoke': {
    post: {
      tags: [TAG],
      operationId: 'revokeGrant',
      summary: 'Revoke a grant',
      description: 'Revokes the grant, with effect on the partner\'s very next request. No body is needed; an empty JSON object is accepted.',
      security: SESSION_WITH_CSRF,
      parameters: [grantId],
      responses: {
        '200': jsonResponse('The revoked grant.', ref('Grant'), undefined, NO_STORE_HEADER),
        ...problems(...SHARING_WRITE_ERRORS, 'grant_not_found', 'grant_already_revoked', 'grant_already_expired', 'request_conflict'),
      },
    },
  },

  '/api/v1/sharing-codes': {
    post: {
      tags: [TAG],
      operationId: 'createSharingCode',
      summary: 'Create a sharing code',
      description:
        `Creates a short-lived sharing code (24 hours) that the person gives to a partner, so that the partner can send an access request. The code itself is returned only in this response. Rate-limited per account (${SHARING_CODES_PER_HOUR} an hour).`,
      security: SESSION_WITH_CSRF,
      responses: {
        '201': jsonResponse('The new code.', ref('CreatedSharingCode'), undefined, CREATED_HEADERS),
        ...problems(...SHARING_WRITE_ERRORS, 'rate_limited'),
      },
    },
    get: {
      tags: [TAG],
      operationId: 'listSharingCodes',
      summary: 'List my sharing codes',
      description: 'Returns the person\'s sharing codes, without the codes themselves.',
      security: SESSION,
      parameters: PAGE_PARAMETERS,
      responses: {
        '200': jsonResponse('A page of sharing codes.', ref('SharingCodePage'), undefined, NO_STORE_HEADER),
        ...problems(...SHARING_ERRORS, 'validation_failed'),
      },
    },
  },

  '/api/v1/sharing-codes/{id}/revoke': {
    post: {
      tags: [TAG],
      operationId: 'revokeSharingCode',
      summary: 'Revoke a sharing code',
      security: SESSION_WITH_CSRF,
      parameters: [pathId('id', 'Sharing code id (not the code).')],
      responses: {
        '200': jsonResponse('The revoked code.', ref('SharingCode'), undefined, NO_STORE_HEADER),
        ...problems(...SHARING_WRITE_ERRORS, 'sharing_code_not_found'),
      },
    },
  },

  '/api/v1/access-requests': {
    get: {
      tags: [TAG],
      operationId: 'listAccessRequests',
      summary: 'List the access requests sent to me',
      security: SESSION,
      parameters: PAGE_PARAMETERS,
      responses: {
        '200': jsonResponse('A page of access requests.', ref('AccessRequestPage'), undefined, NO_STORE_HEADER),
        ...problems(...SHARING_ERRORS, 'validation_failed'),
      },
    },
  },

  '/api/v1/access-requests/{id}/approve': {
    post: {
      tags: [TAG],
      operationId: 'approveAccessRequest',
      summary: 'Approve an access request',
      description:
        'Approves a pending request and creates the grant it asked for. The person may shorten the requested duration, never extend it, and may add documents beyond the requested categories.',
      security: SESSION_WITH_CSRF,
      parameters: [pathId('id', 'Access request id.')],
      requestBody: { required: false, content: { 'application/json': { schema: ref('Approval') } } },
      responses: {
        '200': jsonResponse('The answered request and the new grant.', ref('ApprovalResult'), undefined, NO_STORE_HEADER),
        ...problems(
          ...SHARING_WRITE_ERRORS,
          'access_request_not_found',
          'partner_not_found',
          'document_not_found',
          'access_request_expired',
          'access_request_not_pending',
          'request_conflict',
          'grant_window_invalid',
          'approval_longer_than_requested',
          'partner_not_active',
          'scope_empty',
        ),
      },
    },
  },

  '/api/v1/access-requests/{id}/refuse': {
    post: {
      tags: [TAG],
      operationId: 'refuseAccessRequest',
      summary: 'Refuse an access request',
      security: SESSION_WITH_CSRF,
      parameters: [pathId('id', 'Access request id.')],
      responses: {
        '200': jsonResponse('The refused request.', ref('AccessRequest'), undefined, NO_STORE_HEADER),
        ...problems(...SHARING_WRITE_ERRORS, 'access_request_not_found', 'access_request_expired', 'access_request_not_pending', 'request_conflict'),
      },
    },
  },

  '/api/v1/access-history': {
    get: {
      tags: [TAG],
      operationId: 'getAccessHistory',
      summary: 'My access history',
      description:
        'Returns the history of accesses to the person\'s data (historique des accès): partner reads and downloads, access requests, grant creations, revocations and expiries, refused attempts included. With `format=csv`, the whole history as a CSV attachment instead of a page.',
      security: SESSION,
      parameters: [
        { name: 'format', in: 'query', required: false, schema: { type: 'string', enum: ['json', 'csv'], default: 'json' } },
        ...PAGE_PARAMETERS,
      ],
      responses: {
        '200': {
          description: 'A page of the history (JSON), or the whole history (CSV, `historique-des-acces.csv`).',
          headers: NO_STORE_HEADER,
          content: {
            'application/json': { schema: ref('AccessHistoryPage') },
            'text/csv': { schema: { type: 'string' } },
          },
        },
        ...problems(...SESSION_ERRORS, 'validation_failed', 'forbidden', ...AUDITED_ERRORS),
      },
    },
  },

  '/api/v1/access-history.csv': {
    get: {
      tags: [TAG],
      operationId: 'downloadAccessHistoryCsv',
      summary: 'My access history as CSV',
      description: 'The whole history as a CSV attachment, with French column names. Any query parameter is rejected.',
      security: SESSION,
      responses: {
        '200': attachmentResponse('The history (`historique-des-acces.csv`).', ['text/csv']),
        ...problems(...SESSION_ERRORS, 'validation_failed', 'forbidden', ...AUDITED_ERRORS),
      },
    },
  },
};
