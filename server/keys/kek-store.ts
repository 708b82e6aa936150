import { envKeyProvider } from '../../crypto/env-key-provider.js';
import { KeyProviderError } from '../../crypto/errors.js';
import { addKekToFile, openFileKeyProvider, removeKekFromFile } from '../../crypto/file-key-provider.js';
import type { KeyProvider } from '../../crypto/key-provider.js';
import type { Config } from '../config/config.js';

/** Storage of the KEKs that a rotation changes: the key file, or COFFRE_MASTER_KEY. */
export interface KekStore {
  keys: KeyProvider;
  /**
   * Returns the KEK that the rotation re-wraps under. A store with one KEK gets a new one,
   * made durable before the call returns. A store with several KEKs shows a rotation under
   * way, which continues towards the current KEK.
   */
  prepareTarget(): Promise<{ kekId: string; created: boolean }>;
  /** Destroys a retired KEK, or returns the step the operator must take to do it. */
  removeRetired(kekId: string): Promise<string | null>;
}

/** Thrown when COFFRE_MASTER_KEY contains a single KEK, so a rotation has no key to go to. */
export class NoRotationTargetError extends Error {
  override name = 'NoRotationTargetError';
}

/**
 * Opens the store the configuration names, never creating a key file: a new file could
 * not open any stored value.
 */
export async function openKekStore(config: Config): Promise<KekStore> {
  const base64 = config.masterKey.base64;
  if (base64 !== undefined) {
    return envKekStore(envKeyProvider(base64));
  }
  return fileKekStore(config.masterKey.file, await openFileKeyProvider(config.masterKey.file, { create: false }));
}

function fileKekStore(path: string, keys: KeyProvider): KekStore {
  return {
    keys,
    async prepareTarget() {
      if (keys.kekIds().length > 1) {
        return { kekId: keys.currentKekId(), created: false };
      }
      const kekId = await addKekToFile(path);
      // The provider follows the file, so the key just added must now be current.
      if (keys.currentKekId() !== kekId) {
        throw new KeyProviderError(`Master key file ${path} did not make the new KEK ${kekId} current. Check that no other process rewrites it.`);
      }
      return { kekId, created: true };
    },
    async removeRetired(kekId) {
      await removeKekFromFile(path, kekId);
      return null;
    },
  };
}

// COFFRE_MASTER_KEY comes from the operator's secret store, which the vault cannot
// write, so the operator adds the new key and removes the old one there.
function envKekStore(keys: KeyProvider): KekStore {
  return {
    keys,
    async prepareTarget() {
      if (keys.kekIds().length > 1) {
        return { kekId: keys.currentKekId(), created: false };
      }
      throw new NoRotationTargetError(
        `COFFRE_MASTER_KEY contains one KEK (${keys.currentKekId()}), so there is no new key to rotate to. ` +
          'Generate one with `openssl rand -base64 32`, set COFFRE_MASTER_KEY to "NEW,OLD" (the new key first), ' +
          'restart every vault instance with it, then run npm run keys:rotate again with the same value.',
      );
    },
    async removeRetired(kekId) {
      return `Remove KEK ${kekId} from COFFRE_MASTER_KEY in the secret store and restart every vault instance.`;
    },
  };
}
