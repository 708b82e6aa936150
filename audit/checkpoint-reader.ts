/**
 * Reading a chain's checkpoints in seq order, one batch at a time.
 */
import { sql, type Kysely } from 'kysely'

import type { StoredCheckpoint } from './verification-report.js'

/**
 * Cursor over the checkpoints of one chain, ordered by seq then id, fetched
 * in batches by keyset pagination so memory stays bounded however many
 * checkpoints the chain has.
 */
export class CheckpointReader {
  readonly #db: Kysely<any>
  readonly #chain: number
  readonly #batchSize: number
  #batch: StoredCheckpoint[] = []
  #index = 0
  #exhausted = false

  constructor(db: Kysely<any>, chain: number, batchSize: number) {
    this.#db = db
    this.#chain = chain
    this.#batchSize = batchSize
  }

  /** Returns the next checkpoint without consuming it, or undefined after the last one. */
  async peek(): Promise<StoredCheckpoint | undefined> {
    if (this.#index >= this.#batch.length && !this.#exhausted) {
      await this.#fetchNextBatch()
    }
    return this.#batch[this.#index]
  }

  /** Consumes the checkpoint that `peek` returned. */
  advance(): void {
    this.#index++
  }

  async #fetchNextBatch(): Promise<void> {
    const last = this.#batch[this.#batch.length - 1]
    let query = this.#db
      .selectFrom('audit_checkpoints')
      .select(['id', 'chain', 'seq', 'head_hash', 'time', 'key_id', 'message', 'signature'])
      .where('chain', '=', this.#chain)
    if (last !== undefined) {
      query = query.where(sql<boolean>`(seq, id) > (${last.seq}::bigint, ${last.id}::bigint)`)
    }
    const rows = await query.orderBy('seq').orderBy('id').limit(this.#batchSize).execute()

    this.#batch = rows.map(toStoredCheckpoint)
    this.#index = 0
    this.#exhausted = rows.length < this.#batchSize
  }
}

function toStoredCheckpoint(row: Record<string, any>): StoredCheckpoint {
  return {
    id: String(row.id),
    chain: Number(row.chain),
    seq: Number(row.seq),
    headHash: (row.head_hash as Buffer).toString('hex'),
    time: row.time as Date,
    keyId: row.key_id as string,
    message: row.message as Buffer,
    signature: row.signature as Buffer,
  }
}
