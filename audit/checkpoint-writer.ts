/**
 * Writing signed checkpoints of a chain head.
 */
import { sql, type Kysely, type Transaction } from 'kysely'

import { signDetached, type AuditSigningKey } from '../crypto/signing-key.js'
import { AUDIT_CHAINS } from './chains.js'
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
 * Signs the head of every chain that has an entry no checkpoint covers, or
 * of every chain with entries when `force` is set, in one transaction and
 * with one time, so that the checkpoints of one call describe one state of
 * the whole log. Returns the checkpoints written, in chain order, and an
 * empty list when every head was already signed.
 *
 * Each head's seq and hash are read from the stored entry, so a checkpoint only
 * ever signs a hash that exists. No append lock is taken: an append that
 * commits meanwhile is covered by the next call. Two writers may still store
 * two checkpoints for the same seq, which verification accepts.
 */
export async function writeCheckpoints(
  db: Kysely<any>,
  key: AuditSigningKey,
  options: WriteCheckpointOptions = {},
): Promise<WrittenCheckpoint[]> {
  return db.transaction().execute(async (trx) => {
    const heads = await readHeads(trx, AUDIT_CHAINS)
    const time = (options.now ?? new Date()).toISOString()
    const written: WrittenCheckpoint[] = []
    for (const head of heads) {
      if (options.force === true || head.signedSeq < head.seq) {
        written.push(await insertCheckpoint(trx, key, head, time))
      }
    }
    return written
  })
}

/**
 * Signs the current head of one chain, as `writeCheckpoints` does for all of
 * them. Returns null, writing nothing, when the chain has no entry or, unless
 * `force` is set, when a checkpoint already covers its head.
 */
export async function writeCheckpoint(
  db: Kysely<any>,
  key: AuditSigningKey,
  chain: number,
  options: WriteCheckpointOptions = {},
): Promise<WrittenCheckpoint | null> {
  return db.transaction().execute(async (trx) => {
    const [head] = await readHeads(trx, [chain])
    if (head === undefined || (options.force !== true && head.signedSeq >= head.seq)) {
      return null
    }
    return insertCheckpoint(trx, key, head, (options.now ?? new Date()).toISOString())
  })
}

interface StoredHead {
  chain: number
  seq: number
  hash: Buffer
  /** Seq of the chain's latest checkpoint, 0 when it has none. */
  signedSeq: number
}

/** Reads the last stored entry and the latest checkpoint of each chain that has entries. */
async function readHeads(trx: Transaction<any>, chains: readonly number[]): Promise<StoredHead[]> {
  const { rows } = await sql<{ chain: number; seq: string; hash: Buffer; signed_seq: string | null }>`
    select c.chain, last.seq, last.hash,
           (select max(k.seq) from audit_checkpoints k where k.chain = c.chain) as signed_seq
    from unnest(${sql.val([...chains])}::smallint[]) as c(chain)
    join lateral (
      select e.seq, e.hash from audit_events e
      where e.chain = c.chain
      order by e.seq desc
      limit 1
    ) last on true
    order by c.chain
  `.execute(trx)
  return rows.map((row) => ({ chain: Number(row.chain), seq: Number(row.seq), hash: row.hash, signedSeq: Number(row.signed_seq ?? 0) }))
}

async function insertCheckpoint(trx: Transaction<any>, key: AuditSigningKey, head: StoredHead, time: string): Promise<WrittenCheckpoint> {
  const checkpoint: WrittenCheckpoint = {
    chain: head.chain,
    seq: head.seq,
    headHash: head.hash.toString('hex'),
    time,
    keyId: key.keyId,
  }
  const message = checkpointMessageBytes(checkpoint)
  const signature = await signDetached(key.secretKey, message)

  await trx
    .insertInto('audit_checkpoints')
    .values({
      chain: head.chain,
      seq: head.seq,
      head_hash: head.hash,
      time: new Date(time),
      key_id: key.keyId,
      message,
      signature: Buffer.from(signature),
    })
    .execute()
  return checkpoint
}
