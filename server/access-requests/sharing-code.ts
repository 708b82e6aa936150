import { createHash, randomInt } from 'node:crypto';

/**
 * Characters of a sharing code: digits and capitals without 0, 1, I, L and
 * O, which are easy to confuse when a code is read aloud or copied by hand.
 */
export const SHARING_CODE_ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';

/** Characters of a code, without separators: 31^10 codes, about 49.5 bits. */
export const SHARING_CODE_LENGTH = 10;

/** How long a sharing code may be used, in milliseconds (24 hours). */
export const SHARING_CODE_VALIDITY_MS = 24 * 60 * 60 * 1000;

const HASH_LABEL = 'coffre:sharing-code:v1:';

/**
 * Draws a new sharing code from node:crypto's CSPRNG and formats it in
 * groups of four for reading aloud: `ABCD-EFGH-JK`.
 */
export function generateSharingCode(): string {
  let code = '';
  for (let index = 0; index < SHARING_CODE_LENGTH; index += 1) {
    code += SHARING_CODE_ALPHABET[randomInt(SHARING_CODE_ALPHABET.length)];
  }
  return `${code.slice(0, 4)}-${code.slice(4, 8)}-${code.slice(8)}`;
}

/**
 * Returns a code as typed by a partner in its stored form: capitals, without
 * spaces or hyphens. Anything else is kept, so a malformed code simply
 * matches no stored hash.
 */
export function normalizeSharingCode(input: string): string {
  return input.toUpperCase().replace(/[\s-]/g, '');
}

/**
 * Returns the SHA-256 under which a code is stored and looked up. Only the
 * hash is stored, so a copy of the table gives no usable code away.
 * NOTE: the hash is not keyed; a stolen table lets an attacker test all
 * 2^49.5 codes offline, which is why codes expire after 24 hours.
 */
export function hashSharingCode(code: string): Buffer {
  return createHash('sha256').update(HASH_LABEL + normalizeSharingCode(code), 'utf8').digest();
}
