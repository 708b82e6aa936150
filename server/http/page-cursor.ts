import { AppError } from '../errors/app-error.js';

/** Position at the end of a newest-first page: the last row's creation time and id. */
export interface ListPosition {
  createdAt: Date;
  id: string;
}

const BASE64URL_PATTERN = /^[A-Za-z0-9_-]{1,200}$/;
const TIME_PATTERN = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

// NOTE: the cursor keeps milliseconds, like a JavaScript Date. That is exact
// because the listed rows write `created_at` from a Date; rows written with
// PostgreSQL's microsecond now() could be skipped at a page boundary.

/** Encodes a listing position as an opaque base64url token. */
export function encodeCursor(position: ListPosition): string {
  return Buffer.from(JSON.stringify([position.createdAt.toISOString(), position.id]), 'utf8').toString('base64url');
}

/** Decodes a token from `encodeCursor`; anything else is a `validation_failed` on `cursor`. */
export function decodeCursor(token: string): ListPosition {
  const invalid = () =>
    new AppError('validation_failed', {
      field: 'cursor',
      reason: 'curseur inconnu ; reprenez la valeur « nextCursor » d\'une réponse précédente',
      reasonEn: 'unknown cursor; use the "nextCursor" value of a previous response',
    });
  if (!BASE64URL_PATTERN.test(token)) throw invalid();

  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  if (!Array.isArray(decoded) || decoded.length !== 2) throw invalid();
  const [time, id] = decoded as unknown[];
  if (typeof time !== 'string' || !TIME_PATTERN.test(time) || Number.isNaN(Date.parse(time))) throw invalid();
  if (typeof id !== 'string' || !UUID_PATTERN.test(id)) throw invalid();
  return { createdAt: new Date(time), id: id.toLowerCase() };
}
