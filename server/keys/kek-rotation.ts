import { sql, type Kysely } from 'kysely';

import { KeyProviderError } from '../../crypto/errors.js';
import type { Database } from '../db/schema.js';
import { retireKek } from './kek-retirement.js';
import type { KekStore } from './kek-store.js';
import { countKekUsage, kekIdsInUse, listRetiredKeks, valuesNotUnder } from './kek-usage.repository.js';
import { REWRAPPED_KINDS, rewrapBatch } from './rewrap-batches.js';

/**
 * Session-level advisory lock key held for a whole rotation, so two rotations never run
 * at once. It is "Coffre" followed by 0x8002, next to the audit signing key's 0x8001.
 */
const ROTATION_LOCK_KEY = (0x436f_6666_7265_8002n).toString();

/** How long the rotation waits for rows that requests keep locked before it gives up. */
const LOCKED_ROWS_WAIT_MS = 10_000;
const LOCKED_ROWS_POLL_MS = 100;

/** One step of a rotation, reported as it happens. */
export type RotationProgress =
  | { step: 'target'; kekId: string; created: boolean }
  | { step: 'rewrap'; kind: string; count: number }
  | { step: 'retire'; kekId: string; newlyRetired: boolean; operatorAction: string | null };

/** Result of a completed rotation. */
export interface RotationSummary {
  targetKekId: string;
  created: boolean;
  rewrapped: number;
  retiredKekIds: string[];
  /** Steps left to the operator, such as removing a retired key from COFFRE_MASTER_KEY. */
  operatorActions: string[];
}

/** Thrown when another rotation holds the rotation lock. */
export class RotationRunningError extends Error {
  override name = 'RotationRunningError';
}

/**
 * Rotates the KEK: picks or creates the target KEK (durable before any re-wrap), re-wraps
 * every value under another KEK in batches of `batchSize`, each batch one transaction
 * followed by a pause of `pauseMs` milliseconds, then
 * retires every other KEK of the store once nothing depends on it. A run killed at any
 * point can be run again: it continues towards the same target, because the store still
 * holds both keys until the end, and every step skips what is already done.
 */
export async function rotateKek(
  db: Kysely<Database>,
  store: KekStore,
  options: { batchSize: number; pauseMs?: number; onProgress?: (progress: RotationProgress) => void },
): Promise<RotationSummary> {
  const report = options.onProgress ?? (() => undefined);
  return db.connection().execute(async (connection) => {
    const locked = await sql<{ locked: boolean }>`select pg_try_advisory_lock(${ROTATION_LOCK_KEY}::bigint) as locked`.execute(connection);
    if (!locked.rows[0]?.locked) {
      throw new RotationRunningError('another npm run keys:rotate is running (it has the rotation lock); wait for it to finish, then run this one again');
    }
    try {
      await requireKnownKeks(connection, store);
      const target = await store.prepareTarget();
      report({ step: 'target', ...target });

      const rewrapped = await rewrapAll(connection, store, target.kekId, { batchSize: options.batchSize, pauseMs: options.pauseMs ?? 0 }, report);

      const retiredKekIds: string[] = [];
      const operatorActions: string[] = [];
      for (const kekId of store.keys.kekIds().filter((id) => id !== target.kekId)) {
        const newlyRetired = await retireKek(connection, kekId);
        const operatorAction = await store.removeRetired(kekId);
        report({ step: 'retire', kekId, newlyRetired, operatorAction });
        retiredKekIds.push(kekId);
        if (operatorAction !== null) operatorActions.push(operatorAction);
      }
      return { targetKekId: target.kekId, created: target.created, rewrapped, retiredKekIds, operatorActions };
    } finally {
      await sql`select pg_advisory_unlock(${ROTATION_LOCK_KEY}::bigint)`.execute(connection);
    }
  });
}

// Checks, before any change, that the store contains every KEK that stored values depend on
// and that its current KEK is not retired, so a wrong key file or variable changes nothing.
async function requireKnownKeks(db: Kysely<Database>, store: KekStore): Promise<void> {
  const held = new Set(store.keys.kekIds());
  const missing = kekIdsInUse(await countKekUsage(db)).filter((kekId) => !held.has(kekId));
  if (missing.length > 0) {
    throw new KeyProviderError(
      `Stored values are wrapped under ${missing.join(', ')}, which the master key does not contain ` +
        `(it contains ${[...held].join(', ')}). Give the vault the keys that wrapped its data before rotating.`,
    );
  }
  const retired = new Set((await listRetiredKeks(db)).map((row) => row.kekId));
  if (retired.has(store.keys.currentKekId())) {
    throw new KeyProviderError(
      `The current KEK ${store.keys.currentKekId()} was retired by an earlier rotation. ` +
        'Put the newest key first in COFFRE_MASTER_KEY.',
    );
  }
}

async function rewrapAll(
  db: Kysely<Database>,
  store: KekStore,
  targetKekId: string,
  pace: { batchSize: number; pauseMs: number },
  report: (progress: RotationProgress) => void,
): Promise<number> {
  let total = 0;
  const deadline = Date.now() + LOCKED_ROWS_WAIT_MS;
  for (;;) {
    for (const kind of REWRAPPED_KINDS) {
      for (;;) {
        const count = await rewrapBatch(db, store.keys, kind, targetKekId, pace.batchSize);
        if (count === 0) break;
        total += count;
        report({ step: 'rewrap', kind, count });
        if (pace.pauseMs > 0) await sleep(pace.pauseMs);
      }
    }
    // Rows that requests held were skipped; go round again until none is left.
    const left = valuesNotUnder(await countKekUsage(db), targetKekId);
    if (left === 0) return total;
    if (Date.now() > deadline) {
      throw new Error(`${left} value(s) stayed locked by other transactions for ${LOCKED_ROWS_WAIT_MS} ms; run npm run keys:rotate again`);
    }
    await sleep(LOCKED_ROWS_POLL_MS);
  }
}

function sleep(milliseconds: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, milliseconds));
}
