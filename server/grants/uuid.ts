const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Returns the lowercase id when `value` is a UUID, else null. Ids from a
 * path are checked before any query, because PostgreSQL rejects a malformed
 * uuid with an error, and a malformed id must get the not-found error.
 */
export function parseUuid(value: unknown): string | null {
  return typeof value === 'string' && UUID_PATTERN.test(value) ? value.toLowerCase() : null;
}
