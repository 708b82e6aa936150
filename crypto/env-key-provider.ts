import { decodeBase64Strict } from './base64.js';
import { KeyProviderError } from './errors.js';
import { kekIdOf, type KeyProvider } from './key-provider.js';
import { KEY_BYTES } from './random.js';

/**
 * Creates a provider containing the single KEK given as `COFFRE_MASTER_KEY`, which is the
 * standard base64 of 32 bytes, ignoring surrounding whitespace. Throws KeyProviderError
 * naming the variable, without its value, when the value is not base64 of exactly 32 bytes.
 */
export function envKeyProvider(base64Key: string): KeyProvider {
  const kek = decodeBase64Strict(base64Key.trim());
  if (kek === undefined || kek.length !== KEY_BYTES) {
    const found = kek === undefined ? 'it is not valid base64' : `it decodes to ${kek.length} bytes`;
    throw new KeyProviderError(
      `COFFRE_MASTER_KEY is invalid: ${found}, but it must be the base64 encoding of exactly ` +
        `${KEY_BYTES} random bytes. Generate one with \`openssl rand -base64 ${KEY_BYTES}\`, ` +
        'or set the variable back to the key that wrapped the existing data.',
    );
  }

  const kekId = kekIdOf(kek);
  return {
    currentKekId: () => kekId,
    getKek(requestedId: string): Uint8Array {
      if (requestedId !== kekId) {
        throw new KeyProviderError(
          `KEK "${requestedId}" is not the key in COFFRE_MASTER_KEY (which is "${kekId}"). ` +
            'Set COFFRE_MASTER_KEY to the key that wrapped this data.',
        );
      }
      return kek.slice();
    },
    kekIds: () => [kekId],
  };
}
