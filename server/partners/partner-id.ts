import { randomBytes } from 'node:crypto';

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Returns true when `value` can be a partner id (a UUID); routes return 404 for anything else. */
export function isPartnerId(value: string): boolean {
  return UUID_PATTERN.test(value);
}

/** Creates an OAuth client id: "partner-" and 32 random hex digits, which pass the audit log's id check. */
export function newClientId(): string {
  return `partner-${randomBytes(16).toString('hex')}`;
}
