import path from 'node:path';

import { importJWK } from 'jose';
import type { DecryptionKey } from 'openid-client';

import type { Config } from '../../config/config.js';
import { generatePrivateJwk, parsePrivateJwkSet, publicJwkSet, type JwkSet } from '../jwk-set.js';
import { readOrCreateSecretJson, readSecretJson } from '../secret-file.js';

/** Path of the public key set that the identity provider encrypts ID tokens and userinfo to. */
export const ENCRYPTION_KEYS_PATH = '/.well-known/coffre/oidc-encryption-keys';

/** Key management algorithms the vault accepts, as FranceConnect+ offers them. */
const ACCEPTED_KEY_ALGORITHMS = new Set(['ECDH-ES', 'RSA-OAEP', 'RSA-OAEP-256']);

/** The vault's keys for encrypted provider responses. */
export interface EncryptionKeys {
  /** Public halves, published at ENCRYPTION_KEYS_PATH. */
  publicJwks: JwkSet;
  /** Private halves, for openid-client's decryption. */
  decryptionKeys: DecryptionKey[];
}

/**
 * Loads the private JWK Set named by COFFRE_OIDC_ENCRYPTION_KEYS_FILE. Without that
 * setting, a development or test vault creates `oidc-encryption-keys.json` (one ECDH-ES
 * P-256 key and one RSA-OAEP key) in its data folder, and a production vault has no keys,
 * so it accepts only unencrypted responses.
 */
export async function loadEncryptionKeys(config: Config): Promise<EncryptionKeys> {
  let file = config.oidc.encryptionKeysFile;
  let parsed: unknown;
  if (file !== undefined) {
    parsed = await readSecretJson(file);
  } else if (config.env !== 'production') {
    file = path.join(config.dataDir, 'oidc-encryption-keys.json');
    parsed = await readOrCreateSecretJson(file, async () => ({
      keys: [await generatePrivateJwk('ECDH-ES', 'enc'), await generatePrivateJwk('RSA-OAEP', 'enc')],
    }));
  } else {
    return { publicJwks: { keys: [] }, decryptionKeys: [] };
  }

  const set = parsePrivateJwkSet(parsed, file);
  const decryptionKeys: DecryptionKey[] = [];
  for (const [index, jwk] of set.keys.entries()) {
    if (!ACCEPTED_KEY_ALGORITHMS.has(jwk.alg!) || (jwk.use !== undefined && jwk.use !== 'enc')) {
      throw new Error(`COFFRE_OIDC_ENCRYPTION_KEYS_FILE: keys[${index}] of ${file} must have "alg" one of ${[...ACCEPTED_KEY_ALGORITHMS].join(', ')} and "use": "enc"`);
    }
    const key = await importJWK(jwk, jwk.alg);
    if (key instanceof Uint8Array) {
      throw new Error(`COFFRE_OIDC_ENCRYPTION_KEYS_FILE: keys[${index}] of ${file} is a symmetric key; an asymmetric private key is needed`);
    }
    decryptionKeys.push({ key, alg: jwk.alg!, kid: jwk.kid! });
  }
  return { publicJwks: publicJwkSet(set), decryptionKeys };
}
