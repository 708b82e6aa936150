import { decodeBase64Strict } from './base64.js';
import { KeyProviderError } from './errors.js';
import { kekIdOf, type KeyProvider } from './key-provider.js';
import { KEY_BYTES } from './random.js';

/**
 * Creates a provider of the KEKs given as `COFFRE_MASTER_KEY`: one key, or a key set of
 * several keys separated by commas, each the standard base64 of 32 bytes, ignoring
 * whitespace around each. The first key is current: it wraps every new value. The
 * others stay readable, so a rotation can re-wrap what they wrap (`NEW,OLD`).
 *
 * Throws KeyProviderError naming the variable and the key's position, never its value,
 * when a key is not base64 of exactly 32 bytes or appears twice.
 */
export function envKeyProvider(base64Keys: string): KeyProvider {
  const keks = new Map<string, Uint8Array>();
  const parts = base64Keys.split(',');
  parts.forEach((part, index) => {
    const kek = decodeKey(part, index, parts.length);
    const kekId = kekIdOf(kek);
    if (keks.has(kekId)) {
      throw new KeyProviderError(
        `COFFRE_MASTER_KEY is invalid: key ${index + 1} repeats key ${[...keks.keys()].indexOf(kekId) + 1} ` +
          `("${kekId}"). List each key once, the current key first.`,
      );
    }
    keks.set(kekId, kek);
  });

  const current = [...keks.keys()][0]!;
  return {
    currentKekId: () => current,
    getKek(requestedId: string): Uint8Array {
      const kek = keks.get(requestedId);
      if (kek === undefined) {
        throw new KeyProviderError(
          `KEK "${requestedId}" is not in COFFRE_MASTER_KEY (which holds ${[...keks.keys()].join(', ')}). ` +
            'Add the key that wrapped this data to COFFRE_MASTER_KEY, after the current key.',
        );
      }
      return kek.slice();
    },
    kekIds: () => [...keks.keys()],
  };
}

function decodeKey(part: string, index: number, count: number): Uint8Array {
  const kek = decodeBase64Strict(part.trim());
  if (kek !== undefined && kek.length === KEY_BYTES) {
    return kek;
  }
  const which = count > 1 ? `key ${index + 1} of ${count}` : 'it';
  const found = kek === undefined ? 'is not valid base64' : `decodes to ${kek.length} bytes`;
  throw new KeyProviderError(
    `COFFRE_MASTER_KEY is invalid: ${which} ${found}, but each key must be the base64 encoding of ` +
      `exactly ${KEY_BYTES} random bytes. Generate one with \`openssl rand -base64 ${KEY_BYTES}\`, ` +
      'or set the variable back to the keys that wrapped the existing data.',
  );
}
