// Document ids are random UUIDs written by `randomUUID()` in lowercase; an
// uppercase spelling of the same id is accepted, as PostgreSQL does.
const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Returns true when `value` can be a document id; the routes return 404 for anything else. */
export function isDocumentId(value: string): boolean {
  return UUID_PATTERN.test(value);
}
