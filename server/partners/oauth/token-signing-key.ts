import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, type CryptoKey, type JWK } from 'jose';
import type { Kysely } from 'kysely';

import { tokenSigningKeyContext } from '../../../crypto/associated-data.js';
import type { KeyProvider } from '../../../crypto/key-provider.js';
import { unwrapWithKek, wrapWithCurrentKek } from '../../../crypto/wrapped-key.js';
import { DecryptionFailed } from '../../../crypto/errors.js';
import type { AppContext } from '../../context.js';
import type { Database } from '../../db/schema.js';
import { logger } from '../../logging/logger.js';

/** The algorithm of the vault's access tokens; verification accepts only this one. */
export const ACCESS_TOKEN_ALGORITHM = 'ES256';

/** The vault's key that signs partner access tokens. */
export interface TokenSigningKey {
  /** RFC 7638 thumbprint of the public key, sent as the tokens' `kid` header. */
  kid: string;
  privateKey: CryptoKey;
  publicKey: CryptoKey;
}

// One load per database handle, shared by the token endpoint and requirePartner. Keys
// are never rotated in place, so a cached key stays right for the life of the process.
// NOTE: a future rotation must retire keys through this module, or instances will keep
// signing with a key that another instance retired.
const currentKeys = new WeakMap<Kysely<Database>, Promise<TokenSigningKey>>();
const verificationKeys = new WeakMap<Kysely<Database>, Map<string, Promise<CryptoKey | null>>>();

const utf8Encoder = new TextEncoder();
const utf8Decoder = new TextDecoder('utf-8', { fatal: true });

/**
 * Returns the current access-token signing key, creating it on first use. All vault
 * instances share it through `token_signing_keys`, where its private JWK is stored
 * wrapped by the KEK and bound to its kid.
 */
export function currentTokenSigningKey(ctx: Pick<AppContext, 'db' | 'keys'>): Promise<TokenSigningKey> {
  let key = currentKeys.get(ctx.db);
  if (!key) {
    key = loadOrCreateSigningKey(ctx.db, ctx.keys);
    currentKeys.set(ctx.db, key);
    // A failed load (database down, missing KEK) is retried on the next call.
    key.catch(() => currentKeys.delete(ctx.db));
  }
  return key;
}

/**
 * Returns the public key with this kid, retired or not, or null when the vault never had
 * it. Unknown kids are not cached, so a key created by another instance is found.
 */
export async function tokenVerificationKey(ctx: Pick<AppContext, 'db'>, kid: string): Promise<CryptoKey | null> {
  let byKid = verificationKeys.get(ctx.db);
  if (!byKid) {
    byKid = new Map();
    verificationKeys.set(ctx.db, byKid);
  }
  let key = byKid.get(kid);
  if (!key) {
    key = loadVerificationKey(ctx.db, kid);
    byKid.set(kid, key);
  }
  const loaded = await key.catch((error: unknown) => {
    byKid.delete(kid);
    throw error;
  });
  if (loaded === null) byKid.delete(kid);
  return loaded;
}

async function loadVerificationKey(db: Kysely<Database>, kid: string): Promise<CryptoKey | null> {
  const row = await db.selectFrom('token_signing_keys').select(['kid', 'public_jwk']).where('kid', '=', kid).executeTakeFirst();
  if (!row) return null;
  const publicJwk = row.public_jwk as JWK;
  if ((await calculateJwkThumbprint(publicJwk)) !== row.kid) {
    throw new Error(`token signing key ${row.kid}: public_jwk does not match its kid`);
  }
  return (await importJWK(publicJwk, ACCESS_TOKEN_ALGORITHM)) as CryptoKey;
}

async function loadOrCreateSigningKey(db: Kysely<Database>, keys: KeyProvider): Promise<TokenSigningKey> {
  const existing = await loadCurrentSigningKey(db, keys);
  if (existing) return existing;
  try {
    await insertNewSigningKey(db, keys);
  } catch (error) {
    // Another instance created the current key first (the partial unique index): use it.
    if ((error as { code?: unknown }).code !== '23505') throw error;
  }
  const created = await loadCurrentSigningKey(db, keys);
  if (!created) throw new Error('token signing key missing right after its creation');
  return created;
}

async function loadCurrentSigningKey(db: Kysely<Database>, keys: KeyProvider): Promise<TokenSigningKey | null> {
  const row = await db
    .selectFrom('token_signing_keys')
    .select(['kid', 'public_jwk', 'wrapped_private_key', 'kek_id'])
    .where('retired_at', 'is', null)
    .executeTakeFirst();
  if (!row) return null;

  const publicJwk = row.public_jwk as JWK;
  if ((await calculateJwkThumbprint(publicJwk)) !== row.kid) throw new DecryptionFailed();
  const plaintext = await unwrapWithKek(keys, { kekId: row.kek_id, wrapped: row.wrapped_private_key }, (kekId) => tokenSigningKeyContext(kekId, row.kid));
  try {
    const privateJwk = JSON.parse(utf8Decoder.decode(plaintext)) as JWK;
    // The wrap binds the kid, and this binds the private key to the stored public key.
    if (privateJwk.x !== publicJwk.x || privateJwk.y !== publicJwk.y) throw new DecryptionFailed();
    return {
      kid: row.kid,
      privateKey: (await importJWK(privateJwk, ACCESS_TOKEN_ALGORITHM)) as CryptoKey,
      publicKey: (await importJWK(publicJwk, ACCESS_TOKEN_ALGORITHM)) as CryptoKey,
    };
  } finally {
    plaintext.fill(0);
  }
}

async function insertNewSigningKey(db: Kysely<Database>, keys: KeyProvider): Promise<void> {
  const pair = await generateKeyPair(ACCESS_TOKEN_ALGORITHM, { extractable: true });
  const privateJwk = await exportJWK(pair.privateKey);
  const publicJwk: JWK = { kty: privateJwk.kty, crv: privateJwk.crv, x: privateJwk.x, y: privateJwk.y };
  const kid = await calculateJwkThumbprint(publicJwk);

  const plaintext = utf8Encoder.encode(JSON.stringify(privateJwk));
  try {
    const wrapped = await wrapWithCurrentKek(keys, plaintext, (kekId) => tokenSigningKeyContext(kekId, kid));
    await db
      .insertInto('token_signing_keys')
      .values({
        kid,
        alg: ACCESS_TOKEN_ALGORITHM,
        public_jwk: JSON.stringify({ ...publicJwk, kid, alg: ACCESS_TOKEN_ALGORITHM, use: 'sig' }),
        wrapped_private_key: Buffer.from(wrapped.wrapped),
        kek_id: wrapped.kekId,
      })
      .execute();
    logger.info('token signing key created', { kid });
  } finally {
    plaintext.fill(0);
  }
}

