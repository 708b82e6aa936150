/**
 * Writing signed checkpoints of a chain head.
 */
import type { Kysely } from 'kysely'

import { signDetached, type AuditSigningKey } from '../crypto/signing-key.js'
import { checkpointMessageBytes } from './checkpoint-message.js'

/** A checkpoint as written: the signed fields, without the message bytes. */
export interface WrittenCheckpoint {
  chain: number
  seq: number
  headHash: string
  time: string
  keyId: string
}

/** Options of `writeCheckpoint`. */
export interface WriteCheckpointOptions {
  /** Sign the head even when a checkpoint already covers it, as a key rotation does. */
  force?: boolean
  /** Time to sign, the clock by default. */
  now?: Date
}

/**
 * Signs the current head of `chain` with `key` and stores the checkpoint, in
 * a transaction of its own.
 *
 * The head's seq and hash are read from the stored entry, so a checkpoint only
 * ever signs a hash that exists. The chain's append lock is not taken: an
 * append that commits meanwhile is simply covered by the next checkpoint.
 * Returns null, writing nothing, when the chain has no entry or, unless
 * `force` is set, when a checkpoint already covers the head. Two writers may
 * still store two checkpoints for the same seq, which verification accepts.
 */
export async function writeCheckpoint(
  db: Kysely<any>,
  key: AuditSigningKey,
  chain: number,
  options: WriteCheckpointOptions = {},
): Promise<WrittenCheckpoint | null> {
  return db.transaction().execute(async (trx) => {
    const head = await trx
      .selectFrom('audit_events')
      .select(['seq', 'hash'])
      .where('chain', '=', chain)
      .orderBy('seq', 'desc')
      .limit(1)
      .executeTakeFirst()
    if (head === undefined) {
      return null
    }
    const seq = Number(head.seq)

    if (options.force !== true) {
      const latest = await trx
        .selectFrom('audit_checkpoints')
        .select((eb) => eb.fn.max('seq').as('seq'))
        .where('chain', '=', chain)
        .executeTakeFirst()
      if (latest?.seq !== null && latest?.seq !== undefined && Number(latest.seq) >= seq) {
        return null
      }
    }

    const checkpoint: WrittenCheckpoint = {
      chain,
      seq,
      headHash: (head.hash as Buffer).toString('hex'),
      time: (options.now ?? new Date()).toISOString(),
      keyId: key.keyId,
    }
    const message = checkpointMessageBytes(checkpoint)
    const signature = await signDetached(key.secretKey, message)

    await trx
      .insertInto('audit_checkpoints')
      .values({
        chain,
        seq,
        head_hash: head.hash,
        time: new Date(checkpoint.time),
        key_id: key.keyId,
        message,
        signature: Buffer.from(signature),
      })
      .execute()
    return checkpoint
  })
}
