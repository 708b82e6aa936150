import type { Kysely, Transaction } from 'kysely';

import type { KeyProvider } from '../../../crypto/key-provider.js';
import { openSessionIdToken, sealSessionIdToken } from '../../../crypto/session-token.js';
import type { Database } from '../../db/schema.js';
import { hashSessionId, readSealedIdToken } from '../session.repository.js';

/**
 * Stores a session's ID token, sealed under the KEK and bound to the session, for the
 * `id_token_hint` of the provider's logout. The session row must already exist.
 */
export async function storeSessionIdToken(trx: Transaction<Database>, keys: KeyProvider, sessionId: string, idToken: string): Promise<void> {
  const idHash = hashSessionId(sessionId);
  const sealed = await sealSessionIdToken(keys, idToken, idHash);
  await trx.updateTable('sessions').set({ id_token_sealed: Buffer.from(sealed) }).where('id_hash', '=', idHash).execute();
}

/**
 * Returns a session's ID token, or null when none was stored. Throws DecryptionFailed when
 * the sealed value belongs to another session or was changed.
 */
export async function loadSessionIdToken(db: Kysely<Database>, keys: KeyProvider, idHash: Buffer): Promise<string | null> {
  const sealed = await readSealedIdToken(db, idHash);
  return sealed === null ? null : openSessionIdToken(keys, sealed, idHash);
}
