import { AUDIT_CHAIN_COUNT } from '../../audit/chains.js';
import { AppError } from '../errors/app-error.js';

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 200;

/** Filters of a search or export of the audit log; every filter narrows, and absent ones match everything. */
export interface AuditFilters {
  /** The person whose data the entry concerns (the entry's subjectId). */
  personId?: string;
  actorId?: string;
  partnerId?: string;
  action?: string;
  outcome?: 'allow' | 'deny';
  /** Inclusive lower bound on the entry's time. */
  from?: Date;
  /** Exclusive upper bound on the entry's time. */
  to?: Date;
}

/**
 * Place of an entry in the newest-first order of the whole log: by time, then
 * chain, then seq. Entries of one chain never go back in time, so this order
 * keeps each chain's own order.
 */
export interface LogPosition {
  time: Date;
  chain: number;
  seq: number;
}

/** A validated `GET /dpo/v1/audit/events` query. */
export interface JournalQuery {
  filters: AuditFilters;
  limit: number;
  /** Last entry of the previous page, so this page contains older entries only. */
  before?: LogPosition;
}

/** A validated `GET /dpo/v1/audit/export` query. */
export interface ExportQuery {
  format: 'jsonl' | 'csv';
  /** The chain to export, from 0 to `AUDIT_CHAIN_COUNT - 1`. */
  chain?: number;
  fromSeq?: number;
  toSeq?: number;
  filters: AuditFilters;
}

const FILTER_KEYS = ['personId', 'actorId', 'partnerId', 'action', 'outcome', 'from', 'to'] as const;
const JOURNAL_KEYS: readonly string[] = [...FILTER_KEYS, 'limit', 'cursor'];
const EXPORT_KEYS: readonly string[] = [...FILTER_KEYS, 'format', 'chain', 'fromSeq', 'toSeq'];

// The same shapes as the audit entry's own checks, so a filter that could
// never match a stored value is rejected rather than silently empty.
const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;
const CODE_PATTERN = /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$/;
const RFC3339_PATTERN = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/i;
const SEQ_PATTERN = /^[1-9][0-9]{0,14}$/;
const CURSOR_PATTERN = /^[A-Za-z0-9_-]{1,120}$/;
const TIME_PATTERN = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const CHAIN_PATTERN = /^[0-9]{1,5}$/;

/**
 * Validates the journal's query string. Express gives an array for a
 * repeated key, so every value is checked to be a single string first.
 * Throws `validation_failed` naming the first invalid field.
 */
export function parseJournalQuery(query: Record<string, unknown>): JournalQuery {
  rejectUnknownKeys(query, JOURNAL_KEYS);
  const result: JournalQuery = { filters: parseAuditFilters(query), limit: DEFAULT_PAGE_SIZE };

  const limit = singleValue(query, 'limit');
  if (limit !== undefined) {
    const value = /^[0-9]{1,4}$/.test(limit) ? Number(limit) : Number.NaN;
    if (!Number.isInteger(value) || value < 1 || value > MAX_PAGE_SIZE) {
      throw invalid('limit', `nombre entier de 1 à ${MAX_PAGE_SIZE} attendu`, `an integer from 1 to ${MAX_PAGE_SIZE} is expected`);
    }
    result.limit = value;
  }

  const cursor = singleValue(query, 'cursor');
  if (cursor !== undefined) result.before = decodePositionCursor(cursor);
  return result;
}

/** Validates the export's query string, as `parseJournalQuery` does. */
export function parseExportQuery(query: Record<string, unknown>): ExportQuery {
  rejectUnknownKeys(query, EXPORT_KEYS);
  const format = singleValue(query, 'format') ?? 'jsonl';
  if (format !== 'jsonl' && format !== 'csv') {
    throw invalid('format', 'valeur attendue : jsonl ou csv', 'expected value: jsonl or csv');
  }
  const result: ExportQuery = { format, filters: parseAuditFilters(query) };
  const chain = singleValue(query, 'chain');
  if (chain !== undefined) {
    const value = CHAIN_PATTERN.test(chain) ? Number(chain) : Number.NaN;
    if (!Number.isInteger(value) || value >= AUDIT_CHAIN_COUNT) {
      throw invalid('chain', `numéro de chaîne attendu, de 0 à ${AUDIT_CHAIN_COUNT - 1}`, `a chain number from 0 to ${AUDIT_CHAIN_COUNT - 1} is expected`);
    }
    result.chain = value;
  }
  const fromSeq = parseSeq(query, 'fromSeq');
  const toSeq = parseSeq(query, 'toSeq');
  if (fromSeq !== undefined) result.fromSeq = fromSeq;
  if (toSeq !== undefined) result.toSeq = toSeq;
  if (fromSeq !== undefined && toSeq !== undefined && fromSeq > toSeq) {
    throw invalid('toSeq', 'toSeq doit être supérieur ou égal à fromSeq', 'toSeq must be greater than or equal to fromSeq');
  }
  return result;
}

/** Returns true when at least one filter is set, which makes an export unverifiable as a chain. */
export function hasFilters(filters: AuditFilters): boolean {
  return Object.values(filters).some((value) => value !== undefined);
}

/** Encodes the position of a page's last entry as an opaque cursor. */
export function encodePositionCursor(position: LogPosition): string {
  return Buffer.from(JSON.stringify({ before: [position.time.toISOString(), position.chain, position.seq] }), 'utf8').toString('base64url');
}

/** Decodes a cursor from `encodePositionCursor`; anything else is a `validation_failed` on `cursor`. */
export function decodePositionCursor(token: string): LogPosition {
  const error = invalid(
    'cursor',
    'curseur inconnu ; reprenez la valeur « nextCursor » d\'une réponse précédente',
    'unknown cursor; use the "nextCursor" value of a previous response',
  );
  if (!CURSOR_PATTERN.test(token)) throw error;
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    throw error;
  }
  const before = (decoded as { before?: unknown } | null)?.before;
  if (!Array.isArray(before) || before.length !== 3) throw error;
  const [time, chain, seq] = before as unknown[];
  if (typeof time !== 'string' || !TIME_PATTERN.test(time) || Number.isNaN(Date.parse(time))) throw error;
  if (typeof chain !== 'number' || !Number.isInteger(chain) || chain < 0 || chain >= AUDIT_CHAIN_COUNT) throw error;
  if (typeof seq !== 'number' || !Number.isSafeInteger(seq) || seq < 1) throw error;
  return { time: new Date(time), chain, seq };
}

function parseAuditFilters(query: Record<string, unknown>): AuditFilters {
  const filters: AuditFilters = {};
  for (const field of ['personId', 'actorId', 'partnerId'] as const) {
    const value = singleValue(query, field);
    if (value === undefined) continue;
    if (!ID_PATTERN.test(value)) {
      throw invalid(field, 'identifiant attendu : lettres, chiffres, « . », « _ », « : » ou « - », 128 caractères au plus', "an id is expected: letters, digits, '.', '_', ':' or '-', at most 128 characters");
    }
    filters[field] = value;
  }

  const action = singleValue(query, 'action');
  if (action !== undefined) {
    if (action.length > 100 || !CODE_PATTERN.test(action)) {
      throw invalid('action', 'code d\'action attendu, par exemple document.download', 'an action code is expected, such as document.download');
    }
    filters.action = action;
  }

  const outcome = singleValue(query, 'outcome');
  if (outcome !== undefined) {
    if (outcome !== 'allow' && outcome !== 'deny') throw invalid('outcome', 'valeur attendue : allow ou deny', 'expected value: allow or deny');
    filters.outcome = outcome;
  }

  const from = parseTime(query, 'from');
  const to = parseTime(query, 'to');
  if (from !== undefined) filters.from = from;
  if (to !== undefined) filters.to = to;
  if (from !== undefined && to !== undefined && from.getTime() > to.getTime()) {
    throw invalid('to', 'la date de fin doit suivre la date de début', 'the end time must not be before the start time');
  }
  return filters;
}

function parseTime(query: Record<string, unknown>, field: string): Date | undefined {
  const value = singleValue(query, field);
  if (value === undefined) return undefined;
  const time = RFC3339_PATTERN.test(value) ? new Date(value) : new Date(Number.NaN);
  if (Number.isNaN(time.getTime())) {
    throw invalid(field, 'date RFC 3339 attendue, par exemple 2026-01-31T09:30:00Z', 'an RFC 3339 time is expected, such as 2026-01-31T09:30:00Z');
  }
  return time;
}

function parseSeq(query: Record<string, unknown>, field: string): number | undefined {
  const value = singleValue(query, field);
  if (value === undefined) return undefined;
  if (!SEQ_PATTERN.test(value)) throw invalid(field, 'nombre entier positif attendu', 'a positive integer is expected');
  return Number(value);
}

function rejectUnknownKeys(query: Record<string, unknown>, accepted: readonly string[]): void {
  for (const key of Object.keys(query)) {
    if (!accepted.includes(key)) {
      throw invalid(
        key.slice(0, 40),
        `paramètre inconnu ; les paramètres acceptés sont ${accepted.join(', ')}`,
        `unknown parameter; the accepted parameters are ${accepted.join(', ')}`,
      );
    }
  }
}

function singleValue(query: Record<string, unknown>, field: string): string | undefined {
  const value = query[field];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw invalid(field, 'une seule valeur est attendue', 'a single value is expected');
  return value;
}

function invalid(field: string, reason: string, reasonEn: string): AppError {
  return new AppError('validation_failed', { field, reason, reasonEn });
}
