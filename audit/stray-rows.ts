/**
 * Rows in chains that the log does not use, which no chain's verification
 * reads.
 */
import type pg from 'pg'

import { AUDIT_CHAINS } from './chains.js'
import type { VerificationFailure } from './verification-report.js'

/** Finds an entry or checkpoint in a chain that the log does not use, which nothing else would verify. */
export async function findRowOutsideKnownChains(client: pg.PoolClient): Promise<VerificationFailure | null> {
  for (const table of ['audit_events', 'audit_checkpoints']) {
    const { rows } = await client.query<{ chain: number; seq: string }>(
      `select chain, seq from ${table} where not (chain = any($1::smallint[])) order by chain, seq limit 1`,
      [AUDIT_CHAINS],
    )
    const row = rows[0]
    if (row !== undefined) {
      const kind = table === 'audit_events' ? 'entry' : 'checkpoint'
      return {
        kind: 'unknown_chain',
        chain: Number(row.chain),
        seq: Number(row.seq),
        detail: `${kind} ${row.seq} belongs to chain ${row.chain}, which the audit log does not use`,
      }
    }
  }
  return null
}
