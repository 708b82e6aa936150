import { ERASURE_MAX_SIGN_IN_AGE_MS } from '../../policies/index.js';
import {
  AUDITED_ERRORS,
  attachmentResponse,
  jsonResponse,
  NO_STORE_HEADER,
  problems,
  SESSION,
  SESSION_ERRORS,
  SESSION_WITH_CSRF,
  SESSION_WITH_CSRF_ERRORS,
  type JsonObject,
  type PathItems,
} from './components.js';

const TAG = 'Person';
const SIGN_IN_MINUTES = ERASURE_MAX_SIGN_IN_AGE_MS / 60_000;

const base64urlSignature = { type: 'string', pattern: '^[A-Za-z0-9_-]{86}$', description: 'Ed25519 signature, base64url without padding.' };
const hash = { type: 'string', pattern: '^[0-9a-f]{64}$' };
const count = { type: 'integer', minimum: 0 };

// Inline rather than in components: docs/erasure-certificate.md is the reference of this format.
const erasureCertificate: JsonObject = {
  type: 'object',
  description: 'Erasure certificate (`coffre-erasure-certificate/1`), signed with the audit key. See docs/erasure-certificate.md; `npm run certificate:verify` checks it offline.',
  required: ['format', 'certificateId', 'personId', 'erasedAt', 'destroyed', 'auditEntry', 'checkpoint', 'keyId', 'signature'],
  additionalProperties: false,
  properties: {
    format: { const: 'coffre-erasure-certificate/1' },
    certificateId: { type: 'string', format: 'uuid' },
    personId: { type: 'string', format: 'uuid', description: 'The erased account\'s id, as the audit log records it.' },
    erasedAt: { type: 'string', format: 'date-time' },
    destroyed: {
      type: 'object',
      required: ['documents', 'documentKeys', 'userKeys', 'grants', 'accessRequests'],
      additionalProperties: false,
      properties: { documents: count, documentKeys: count, userKeys: count, grants: count, accessRequests: count },
    },
    auditEntry: {
      type: 'object',
      description: 'The `account.erase` audit entry.',
      required: ['chain', 'seq', 'hash'],
      additionalProperties: false,
      properties: { chain: { type: 'integer', minimum: 0 }, seq: { type: 'integer', minimum: 1 }, hash },
    },
    checkpoint: {
      type: 'object',
      description: 'The audit checkpoint written right after the erasure, which covers its entry.',
      required: ['chain', 'seq', 'headHash', 'time', 'keyId', 'signature'],
      additionalProperties: false,
      properties: {
        chain: { type: 'integer', minimum: 0 },
        seq: { type: 'integer', minimum: 1 },
        headHash: hash,
        time: { type: 'string', format: 'date-time' },
        keyId: { type: 'string' },
        signature: base64urlSignature,
      },
    },
    keyId: { type: 'string', description: 'Audit key that signed the certificate, listed at `/.well-known/coffre/audit-keys`.' },
    signature: base64urlSignature,
  },
};

/** Paths of the person's rights over the whole account: export and erasure. */
export const rightsPaths: PathItems = {
  '/api/v1/export': {
    get: {
      tags: [TAG],
      operationId: 'exportVault',
      summary: 'Export my whole vault',
      description:
        'Streams a ZIP archive (`coffre-export-YYYY-MM-DD.zip`): `LISEZ-MOI.txt`, every document under `documents/` with its original file name (made safe; clashes numbered like `certificat (2).pdf`), then `manifest.json` and the same data as `documents.csv`, `partages.csv`, `demandes.csv` and `historique.csv`. The export is recorded in the audit log before the first byte. A failure after the first byte cuts the connection, so the archive is visibly incomplete. Staff sessions are rejected.',
      security: SESSION,
      responses: {
        '200': attachmentResponse('The archive.', ['application/zip']),
        ...problems(...SESSION_ERRORS, 'forbidden', ...AUDITED_ERRORS),
      },
    },
  },

  '/api/v1/me': {
    delete: {
      tags: [TAG],
      operationId: 'eraseMyAccount',
      summary: 'Erase my account',
      description:
        `Erases the account by crypto-shredding, in one transaction: revokes every grant and cancels every pending access request (each recorded in the audit log), destroys the wrapped user key and every wrapped document key, deletes documents and their content, marks the account erased and ends its sessions. Audit entries, which hold ids only, stay. The session must come from a sign-in less than ${SIGN_IN_MINUTES} minutes old (else 403 \`reauthentication_required\`). Returns the erasure certificate. Signing in again later creates a new, empty account. Staff sessions are rejected.`,
      security: SESSION_WITH_CSRF,
      responses: {
        '200': jsonResponse('The erasure certificate. The session cookie is cleared.', erasureCertificate, undefined, NO_STORE_HEADER),
        ...problems(...SESSION_WITH_CSRF_ERRORS, 'forbidden', 'reauthentication_required', ...AUDITED_ERRORS, 'internal_error'),
      },
    },
  },
};
