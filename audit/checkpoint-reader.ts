/**
 * Reading the chains' checkpoints for verification, in seq order.
 */
import type pg from 'pg'

import type { StoredCheckpoint } from './verification-report.js'

/**
 * Reads the checkpoints of every chain in `chains`, each chain's in seq then
 * id order, through the client in the verification's snapshot.
 */
export async function readCheckpointsByChain(client: pg.PoolClient, chains: readonly number[]): Promise<Map<number, StoredCheckpoint[]>> {
  const { rows } = await client.query(
    'select id, chain, seq, head_hash, time, key_id, message, signature from audit_checkpoints where chain = any($1::smallint[]) order by chain, seq, id',
    [chains],
  )
  const byChain = new Map<number, StoredCheckpoint[]>()
  for (const checkpoint of rows.map(toStoredCheckpoint)) {
    const list = byChain.get(checkpoint.chain) ?? []
    list.push(checkpoint)
    byChain.set(checkpoint.chain, list)
  }
  return byChain
}

/** Cursor over checkpoints held in memory, consumed in order. */
export class CheckpointQueue {
  readonly #checkpoints: readonly StoredCheckpoint[]
  #index = 0

  constructor(checkpoints: readonly StoredCheckpoint[]) {
    this.#checkpoints = checkpoints
  }

  /** Returns the next checkpoint without consuming it, or undefined after the last one. */
  peek(): StoredCheckpoint | undefined {
    return this.#checkpoints[this.#index]
  }

  /** Consumes the checkpoint that `peek` returned. */
  advance(): void {
    this.#index++
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
