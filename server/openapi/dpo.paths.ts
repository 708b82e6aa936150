import type { ErrorCode } from '../errors/error-catalog.js';
import { AUDITED_ERRORS, attachmentResponse, jsonResponse, NO_STORE_HEADER, PAGE_PARAMETERS, problems, PUBLIC, ref, SESSION, SESSION_ERRORS, type JsonObject, type PathItems } from './components.js';

const TAG = 'DPO';

/** Codes of every DPO route: another role is 403 `forbidden`, and that refusal is recorded too. */
const DPO_ERRORS: ErrorCode[] = [...SESSION_ERRORS, 'forbidden', ...AUDITED_ERRORS];

const ID_FILTER_SCHEMA = { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$' };

/** Filters shared by the journal and the export; each narrows, and each may appear once. */
const FILTER_PARAMETERS: JsonObject[] = [
  { name: 'personId', in: 'query', required: false, description: 'The entry\'s `subjectId`: the person whose data the entry concerns.', schema: ID_FILTER_SCHEMA },
  { name: 'actorId', in: 'query', required: false, description: 'An account id, or a partner id for a partner.', schema: ID_FILTER_SCHEMA },
  { name: 'partnerId', in: 'query', required: false, schema: ID_FILTER_SCHEMA },
  {
    name: 'action',
    in: 'query',
    required: false,
    description: 'An action code such as `partner.document.download`.',
    schema: { type: 'string', maxLength: 100, pattern: '^[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*)*$' },
  },
  { name: 'outcome', in: 'query', required: false, schema: { type: 'string', enum: ['allow', 'deny'] } },
  { name: 'from', in: 'query', required: false, description: 'Inclusive lower bound on the entry\'s time (RFC 3339).', schema: { type: 'string', format: 'date-time' } },
  { name: 'to', in: 'query', required: false, description: 'Exclusive upper bound on the entry\'s time (RFC 3339); not before `from`.', schema: { type: 'string', format: 'date-time' } },
];

const SEQ_SCHEMA = { type: 'integer', minimum: 1 };

/** Paths of `/dpo/v1` for the data protection officer (délégué à la protection des données), and the published audit keys. */
export const dpoPaths: PathItems = {
  '/dpo/v1/audit/events': {
    get: {
      tags: [TAG],
      operationId: 'searchAuditLog',
      summary: 'Search the audit log',
      description:
        'Returns audit log entries of every chain, newest first (by time, then chain, then seq): ids and codes with labels, never a document title, file name or content. The search itself is recorded as an `audit.search` entry. A repeated, unknown or malformed parameter is 400 `validation_failed` naming the field.',
      security: SESSION,
      parameters: [...FILTER_PARAMETERS, ...PAGE_PARAMETERS],
      responses: {
        '200': jsonResponse('A page of entries.', ref('AuditJournalPage'), undefined, NO_STORE_HEADER),
        ...problems(...DPO_ERRORS, 'validation_failed'),
      },
    },
  },

  '/dpo/v1/audit/export': {
    get: {
      tags: [TAG],
      operationId: 'exportAuditLog',
      summary: 'Export the audit log',
      description:
        'Streams the audit log as JSON Lines (default) or CSV. Without `chain` or `personId`, the whole log: one section per chain, in an attachment named `coffre-audit-all.jsonl`. With `chain`, or `personId` alone (the person\'s chain), one chain or a range of it, named `coffre-audit-CHAIN-FROM-TO.jsonl`. `-filtered` is added when a filter is set. An unfiltered JSON Lines export carries what an independent tool needs to verify the chain and its checkpoints with the keys of `/.well-known/coffre/audit-keys`; a filtered one is not verifiable as a chain. The export is recorded as an `audit.export` entry before the first byte. The line formats and the verification procedure are in docs/audit-export.md.',
      security: SESSION,
      parameters: [
        { name: 'format', in: 'query', required: false, schema: { type: 'string', enum: ['jsonl', 'csv'], default: 'jsonl' } },
        { name: 'chain', in: 'query', required: false, description: 'The chain to export, 0 to 31; needed for a `fromSeq`–`toSeq` range unless `personId` is given.', schema: { type: 'integer', minimum: 0, maximum: 31 } },
        { name: 'fromSeq', in: 'query', required: false, description: 'First seq in the chain; default 1. Past the last entry is `validation_failed`.', schema: SEQ_SCHEMA },
        { name: 'toSeq', in: 'query', required: false, description: 'Last seq; default and maximum: the current head. Not below `fromSeq`.', schema: SEQ_SCHEMA },
        ...FILTER_PARAMETERS,
      ],
      responses: {
        '200': attachmentResponse('The export.', ['application/x-ndjson', 'text/csv']),
        ...problems(...DPO_ERRORS, 'validation_failed'),
      },
    },
  },

  '/dpo/v1/audit/verification': {
    get: {
      tags: [TAG],
      operationId: 'verifyAuditLog',
      summary: 'Verify the audit log',
      description:
        'Recomputes every hash chain and every checkpoint signature and names the first entry that does not match. Truncation after the last checkpoint is detectable only against a checkpoint kept elsewhere. The verification is recorded in the audit log.',
      security: SESSION,
      responses: {
        '200': jsonResponse('The report; `valid` is false when tampering was found.', ref('AuditVerification'), {
          valid: true,
          entriesChecked: 78,
          checkpointsChecked: 2,
          head: { chain: 31, seq: 41, hash: '3f79bb7b435b05321651daefd374cdc681dc06faa65e374e38337b88ca046dea' },
          heads: [{ chain: 0, seq: 37, hash: '5b0e31c4e9f8a7d2c1b0a9f8e7d6c5b4a3928170f6e5d4c3b2a1908f7e6d5c4b' }, { chain: 31, seq: 41, hash: '3f79bb7b435b05321651daefd374cdc681dc06faa65e374e38337b88ca046dea' }],
          latestCheckpoint: { chain: 31, seq: 40, headHash: '9c56cc51b374c3ba189210d5b6d4bf57790d351c96c47c02190ecf1e430635ab', time: '2026-12-04T21:00:00.000Z', keyId: 'audit-0123456789abcdef' },
        }, NO_STORE_HEADER),
        ...problems(...DPO_ERRORS),
      },
    },
  },

  '/.well-known/coffre/audit-keys': {
    get: {
      tags: [TAG],
      operationId: 'getAuditKeys',
      summary: 'Public keys of the audit checkpoints',
      description: 'Every Ed25519 key that signs or signed audit checkpoints and that the vault trusts (the current key, whose secret the master key unwraps, and the retired keys that its signed lineage names), current and retired, so that anyone holding an export can verify it without the vault. Public, and never cached so that a rotation shows at once.',
      security: PUBLIC,
      responses: {
        '200': jsonResponse('The key set.', ref('AuditKeySet'), undefined, NO_STORE_HEADER),
        ...problems(),
      },
    },
  },
};
