import type { Transaction } from 'kysely';

import type { Database } from '../../db/schema.js';

/**
 * Records a client assertion's jti and returns false when that client already used it.
 * First drops the client's jtis whose assertions have expired, so the table keeps only
 * the last few minutes of each client's assertions. Two requests racing with the same
 * jti are ordered by the primary key, and the second one gets false.
 */
export async function consumeAssertionJti(
  trx: Transaction<Database>,
  assertion: { clientId: string; jti: string; replayWindowEndsAt: Date },
  now: Date,
): Promise<boolean> {
  await trx.deleteFrom('client_assertion_jtis').where('client_id', '=', assertion.clientId).where('expires_at', '<', now).execute();
  const inserted = await trx
    .insertInto('client_assertion_jtis')
    .values({ client_id: assertion.clientId, jti: assertion.jti, expires_at: assertion.replayWindowEndsAt })
    .onConflict((conflict) => conflict.columns(['client_id', 'jti']).doNothing())
    .returning('jti')
    .executeTakeFirst();
  return inserted !== undefined;
}
