import { envKeyProvider } from '../../crypto/env-key-provider.js';
import { openFileKeyProvider } from '../../crypto/file-key-provider.js';
import type { KeyProvider } from '../../crypto/key-provider.js';
import type { Config } from '../config/config.js';

/**
 * Opens the master key set that the configuration names, as an operator
 * command needs it: from COFFRE_MASTER_KEY, else from the key file, which is
 * never created here because a new key could unwrap nothing. Throws
 * KeyProviderError when the key or the file is missing or invalid.
 */
export async function openMasterKeys(config: Config): Promise<KeyProvider> {
  return config.masterKey.base64 !== undefined
    ? envKeyProvider(config.masterKey.base64)
    : openFileKeyProvider(config.masterKey.file, { create: false });
}
