/**
 * The chains of the audit log and the advisory locks that serialize appends
 * to each of them.
 *
 * The log has a single chain today. Chain numbers stay a parameter so that it
 * can later split into a fixed number of chains whose heads are signed
 * together.
 */
import { MAX_CHAIN } from './entry.js'

/** Chain that `appendAuditEvent` writes to. */
export const APPEND_CHAIN = 0

/** Every chain that may hold entries. Verification reports an entry or checkpoint in any other chain. */
export const AUDIT_CHAINS: readonly number[] = [APPEND_CHAIN]

/**
 * First key of the range of `pg_advisory_xact_lock` keys reserved for audit
 * chains: the ASCII bytes of "Coffre" followed by two zero bytes, so the keys
 * are easy to spot in `pg_locks`.
 */
const CHAIN_LOCK_KEY_BASE = 0x436f_6666_7265_0000n

/**
 * Returns the 64-bit advisory lock key of a chain, as a decimal string for
 * a `::bigint` parameter. Throws a `RangeError` for a chain number outside
 * 0 to `MAX_CHAIN`.
 */
export function chainLockKey(chain: number): string {
  if (!Number.isInteger(chain) || chain < 0 || chain > MAX_CHAIN) {
    throw new RangeError(`invalid audit chain number ${chain}: must be an integer from 0 to ${MAX_CHAIN}`)
  }

  return (CHAIN_LOCK_KEY_BASE + BigInt(chain)).toString()
}
