import { timingSafeEqual } from 'node:crypto';

/**
 * Compares two byte strings (strings as UTF-8) in time that depends only on their length,
 * for tokens, MACs and hashes. Returns false when the lengths differ, which the timing
 * reveals, so compare values of a fixed length such as hashes.
 */
export function constantTimeEqual(a: Uint8Array | string, b: Uint8Array | string): boolean {
  const left = typeof a === 'string' ? Buffer.from(a, 'utf8') : a;
  const right = typeof b === 'string' ? Buffer.from(b, 'utf8') : b;
  if (left.length !== right.length) {
    return false;
  }
  return timingSafeEqual(left, right);
}
