import type { ErrorCode } from '../errors/error-catalog.js';
import {
  AUDITED_ERRORS,
  attachmentResponse,
  CREATED_HEADERS,
  EXAMPLE_UUID,
  JSON_BODY_ERRORS,
  jsonResponse,
  NO_STORE_HEADER,
  PAGE_PARAMETERS,
  PARTNER_TOKEN,
  pathId,
  problems,
  ref,
  type PathItems,
} from './components.js';

const TAG = 'Partner';

/**
 * Codes of every partner route: a rejected access token (401, with
 * `WWW-Authenticate`), then the partner's standing, read from the database on
 * each request.
 */
const PARTNER_ERRORS: ErrorCode[] = ['partner_token_invalid', 'partner_unknown', 'partner_suspended', ...AUDITED_ERRORS];
/** Codes of a read through a grant: revoked, expired and not yet started grants are 403 with the reason. */
const GRANT_ERRORS: ErrorCode[] = ['grant_not_found', 'grant_revoked', 'grant_not_started', 'grant_expired'];

const grantIdParameter = pathId('grantId', 'Grant id. A grant made to another partner is answered as `grant_not_found`.');

/** Paths of `/partner/v1`, the API of partner organisations' software. */
export const partnerPaths: PathItems = {
  '/partner/v1/grants': {
    get: {
      tags: [TAG],
      operationId: 'listPartnerGrants',
      summary: 'List the grants made to us',
      description: 'Returns the grants that people made to the calling partner, in every status, newest first. A person appears only as `personRef`, a pseudonym stable for this partner.',
      security: PARTNER_TOKEN,
      parameters: PAGE_PARAMETERS,
      responses: {
        '200': jsonResponse('A page of grants.', ref('PartnerGrantPage'), {
          items: [{ id: EXAMPLE_UUID, purpose: 'employment_support', purposeText: null, startsAt: '2026-12-04T09:30:00.000Z', endsAt: '2027-03-04T09:30:00.000Z', status: 'active', personRef: '9f86d081884c7d659a2feaa0c55ad015' }],
          nextCursor: null,
        }, NO_STORE_HEADER),
        ...problems(...PARTNER_ERRORS, 'validation_failed'),
      },
    },
  },

  '/partner/v1/grants/{grantId}/documents': {
    get: {
      tags: [TAG],
      operationId: 'listGrantDocuments',
      summary: 'List the documents a grant covers',
      description: 'Returns every document that the grant covers at this instant: the listed ones and those of its categories, including documents added later. Deleted documents are left out.',
      security: PARTNER_TOKEN,
      parameters: [grantIdParameter],
      responses: {
        '200': jsonResponse('The documents.', ref('PartnerDocumentList'), undefined, NO_STORE_HEADER),
        ...problems(...PARTNER_ERRORS, ...GRANT_ERRORS),
      },
    },
  },

  '/partner/v1/grants/{grantId}/documents/{documentId}/content': {
    get: {
      tags: [TAG],
      operationId: 'downloadGrantDocument',
      summary: 'Download a shared document',
      description:
        'Streams a document that the grant covers, decrypted, as an attachment. The download is recorded in the audit log and in the person\'s access history before the first byte is sent. A document outside the grant is `document_not_in_scope` (404).',
      security: PARTNER_TOKEN,
      parameters: [grantIdParameter, pathId('documentId', 'Document id, from the grant\'s document list.')],
      responses: {
        '200': attachmentResponse('The document\'s content.', ['application/pdf', 'image/jpeg', 'image/png']),
        ...problems(...PARTNER_ERRORS, ...GRANT_ERRORS, 'document_not_found', 'document_not_in_scope'),
      },
    },
  },

  '/partner/v1/access-requests': {
    post: {
      tags: [TAG],
      operationId: 'createAccessRequest',
      summary: 'Ask a person for documents',
      description:
        'Sends an access request (demande d\'accès) with the sharing code that the person gave. The person then approves or refuses it; poll `GET /partner/v1/access-requests/{id}` for the answer. Wrong sharing codes are counted per partner and per client address: past the limit, every request gets 429 `rate_limited` with `Retry-After` until the window ends.',
      security: PARTNER_TOKEN,
      requestBody: {
        required: true,
        content: {
          'application/json': {
            schema: ref('PartnerAccessRequestBody'),
            example: { sharingCode: 'K7QM-3XRT-9P', purpose: 'employment_support', categories: ['decision_mdph'], message: 'Bonjour, pour préparer notre premier rendez-vous.', requestedDurationDays: 90 },
          },
        },
      },
      responses: {
        '201': jsonResponse('The request, pending.', ref('PartnerAccessRequest'), undefined, CREATED_HEADERS),
        ...problems(
          ...PARTNER_ERRORS,
          ...JSON_BODY_ERRORS,
          'sharing_code_invalid',
          'category_unknown',
          'scope_empty',
          'purpose_unknown',
          'purpose_text_required',
          'purpose_text_not_allowed',
          'rate_limited',
        ),
      },
    },
  },

  '/partner/v1/access-requests/{id}': {
    get: {
      tags: [TAG],
      operationId: 'getAccessRequest',
      summary: 'Read one of our access requests',
      description: 'Returns the request\'s status; once approved, `grantId` names the grant to read the documents through.',
      security: PARTNER_TOKEN,
      parameters: [pathId('id', 'Access request id. Another partner\'s request is answered as not found.')],
      responses: {
        '200': jsonResponse('The request.', ref('PartnerAccessRequest'), undefined, NO_STORE_HEADER),
        ...problems(...PARTNER_ERRORS, 'access_request_not_found'),
      },
    },
  },
};
