import { sql, type Kysely } from 'kysely';

import { appendAuditEvent } from '../../audit/append.js';
import type { Database } from '../db/schema.js';
import { countKekUsage, valuesUnder } from './kek-usage.repository.js';

/** How long the retirement waits for writers of the key tables before it gives up. */
const RETIREMENT_LOCK_TIMEOUT = '10s';

/** Thrown when values still depend on the KEK that a rotation would retire. */
export class KekStillInUseError extends Error {
  override name = 'KekStillInUseError';
}

/**
 * Records `kekId` as retired, only when no stored value depends on it, and returns whether
 * this call retired it (false when it was retired already). In one transaction, it locks
 * the four tables that hold KEK-wrapped values against writes (SHARE mode, which waits
 * for writers that started before), counts the values under `kekId`, inserts the
 * retirement and records `kek.retire`. From the commit on, the triggers of migration 0008
 * reject any value wrapped under it, so no value can come to depend on it afterwards.
 * Throws KekStillInUseError when a value still depends on it.
 */
export async function retireKek(db: Kysely<Database>, kekId: string): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    await sql`set local lock_timeout = ${sql.lit(RETIREMENT_LOCK_TIMEOUT)}`.execute(trx);
    await sql`lock table user_keys, audit_signing_keys, token_signing_keys, sessions in share mode`.execute(trx);

    const remaining = valuesUnder(await countKekUsage(trx), kekId);
    if (remaining > 0) {
      throw new KekStillInUseError(
        `${remaining} stored value(s) still depend on KEK ${kekId}, so it was not retired; run npm run keys:rotate again`,
      );
    }

    const inserted = await trx
      .insertInto('retired_keks')
      .values({ kek_id: kekId })
      .onConflict((conflict) => conflict.column('kek_id').doNothing())
      .returning('kek_id')
      .executeTakeFirst();
    if (inserted === undefined) return false;

    await appendAuditEvent(trx, {
      actorType: 'system',
      actorId: null,
      subjectId: null,
      action: 'kek.retire',
      resourceType: 'kek',
      resourceId: kekId,
      outcome: 'allow',
      reason: null,
      requestId: null,
      sourceAddress: null,
    });
    return true;
  });
}
