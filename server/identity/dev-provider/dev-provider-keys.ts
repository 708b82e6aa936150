import { randomBytes } from 'node:crypto';
import path from 'node:path';

import { generatePrivateJwk, parsePrivateJwkSet, type JwkSet } from '../jwk-set.js';
import { readOrCreateSecretJson } from '../secret-file.js';

/** Keys of the development identity provider, created once per data folder. */
export interface DevProviderKeys {
  /** Private signing keys: one ES256 and one RS256. */
  signing: JwkSet;
  /** Keys that sign the provider's cookies (keygrip), newest first. */
  cookieKeys: string[];
}

const SIGNING_KEYS_FILE = 'dev-idp-signing-keys.json';
const COOKIE_KEYS_FILE = 'dev-idp-cookie-keys.json';

/**
 * Loads the development provider's keys from the data folder, creating them on first
 * start (mode 0600). With keys of its own, oidc-provider neither uses nor warns about its
 * quick-start keys, and sessions survive a restart.
 */
export async function loadDevProviderKeys(dataDir: string): Promise<DevProviderKeys> {
  const signingFile = path.join(dataDir, SIGNING_KEYS_FILE);
  const signing = parsePrivateJwkSet(
    await readOrCreateSecretJson(signingFile, async () => ({
      // RSA 2048 is enough for fictional accounts on a developer's machine and keeps the
      // first start short; production keys belong to the real provider.
      keys: [await generatePrivateJwk('ES256', 'sig'), await generatePrivateJwk('RS256', 'sig', 2048)],
    })),
    signingFile,
  );

  const cookieFile = path.join(dataDir, COOKIE_KEYS_FILE);
  const cookieKeys = (await readOrCreateSecretJson(cookieFile, async () => ({
    keys: [randomBytes(32).toString('base64url')],
  })) as { keys?: unknown }).keys;
  if (!Array.isArray(cookieKeys) || cookieKeys.length === 0 || !cookieKeys.every((key) => typeof key === 'string' && key.length >= 32)) {
    throw new Error(`${cookieFile} must hold {"keys": [...]} with strings of at least 32 characters; delete it to let the vault create a new one`);
  }
  return { signing, cookieKeys };
}
