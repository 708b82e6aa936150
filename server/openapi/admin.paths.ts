import type { ErrorCode } from '../errors/error-catalog.js';
import {
  AUDITED_ERRORS,
  CREATED_HEADERS,
  EXAMPLE_UUID,
  jsonResponse,
  NO_STORE_HEADER,
  PAGE_PARAMETERS,
  pathId,
  problems,
  ref,
  SESSION,
  SESSION_ERRORS,
  SESSION_WITH_CSRF,
  SESSION_WITH_CSRF_ERRORS,
  type PathItems,
} from './components.js';

const TAG = 'Admin';

/** Every administration route needs the `admin` role; another role is 403 `forbidden`. */
const ADMIN_READ_ERRORS: ErrorCode[] = [...SESSION_ERRORS, 'forbidden'];
const ADMIN_WRITE_ERRORS: ErrorCode[] = [...SESSION_WITH_CSRF_ERRORS, 'forbidden', ...AUDITED_ERRORS];

const partnerId = pathId('id', 'Partner id.');

const examplePartner = {
  id: EXAMPLE_UUID,
  name: 'Cap emploi de Nulle-Part',
  kind: 'cap_emploi',
  siret: null,
  status: 'active',
  clientId: 'partner-3c1f0e9a5b7d4e2f8a6c1b3d5e7f9a0b',
  keys: [{ kid: 'cap-emploi-2026', alg: 'ES256' }],
  createdAt: '2026-12-04T09:30:00.000Z',
  suspendedAt: null,
};

/** Paths of `/admin/v1`: the partner registry, for administrators. Administrators never read documents. */
export const adminPaths: PathItems = {
  '/admin/v1/partners': {
    post: {
      tags: [TAG],
      operationId: 'registerPartner',
      summary: 'Register a partner',
      description:
        'Registers a partner organisation with the public keys that verify its client assertions, and returns the partner with its new OAuth client id. Unknown fields are rejected.',
      security: SESSION_WITH_CSRF,
      requestBody: {
        required: true,
        content: {
          'application/json': {
            schema: ref('PartnerRegistration'),
            example: {
              name: 'Cap emploi de Nulle-Part',
              kind: 'cap_emploi',
              siret: null,
              jwks: { keys: [{ kty: 'EC', crv: 'P-256', x: '…', y: '…', kid: 'cap-emploi-2026', alg: 'ES256', use: 'sig' }] },
            },
          },
        },
      },
      responses: {
        '201': jsonResponse('The registered partner.', ref('Partner'), examplePartner, CREATED_HEADERS),
        ...problems(...ADMIN_WRITE_ERRORS, 'validation_failed', 'file_too_large'),
      },
    },
    get: {
      tags: [TAG],
      operationId: 'listPartners',
      summary: 'List the partner registry',
      security: SESSION,
      parameters: [
        ...PAGE_PARAMETERS,
        { name: 'status', in: 'query', required: false, schema: { type: 'string', enum: ['active', 'suspended'] } },
      ],
      responses: {
        '200': jsonResponse('A page of partners.', ref('PartnerPage'), { items: [examplePartner], nextCursor: null }, NO_STORE_HEADER),
        ...problems(...ADMIN_READ_ERRORS, 'validation_failed'),
      },
    },
  },

  '/admin/v1/partners/{id}': {
    get: {
      tags: [TAG],
      operationId: 'getPartner',
      summary: 'Read a partner',
      security: SESSION,
      parameters: [partnerId],
      responses: {
        '200': jsonResponse('The partner.', ref('Partner'), examplePartner, NO_STORE_HEADER),
        ...problems(...ADMIN_READ_ERRORS, 'partner_not_found'),
      },
    },
  },

  '/admin/v1/partners/{id}/suspend': {
    post: {
      tags: [TAG],
      operationId: 'suspendPartner',
      summary: 'Suspend a partner',
      description: 'Suspends the partner at once: it gets no new access token, and its current tokens read nothing (`partner_suspended`). Its grants are kept.',
      security: SESSION_WITH_CSRF,
      parameters: [partnerId],
      responses: {
        '200': jsonResponse('The suspended partner.', ref('Partner'), undefined, NO_STORE_HEADER),
        ...problems(...ADMIN_WRITE_ERRORS, 'partner_not_found', 'partner_already_suspended'),
      },
    },
  },

  '/admin/v1/partners/{id}/reactivate': {
    post: {
      tags: [TAG],
      operationId: 'reactivatePartner',
      summary: 'Reactivate a partner',
      security: SESSION_WITH_CSRF,
      parameters: [partnerId],
      responses: {
        '200': jsonResponse('The reactivated partner.', ref('Partner'), undefined, NO_STORE_HEADER),
        ...problems(...ADMIN_WRITE_ERRORS, 'partner_not_found', 'partner_already_active'),
      },
    },
  },
};
