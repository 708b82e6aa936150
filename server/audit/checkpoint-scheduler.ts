import { sql, type Kysely } from 'kysely';

import { writeCheckpoints, type WrittenCheckpoint } from '../../audit/checkpoint-writer.js';
import type { KeyProvider } from '../../crypto/key-provider.js';
import type { AuditSigningKey } from '../../crypto/signing-key.js';
import type { Database } from '../db/schema.js';
import { logger } from '../logging/logger.js';
import { currentSigningKeyId, loadOrCreateSigningKey } from './signing-key.repository.js';

/** Settings of the checkpoint scheduler. */
export interface CheckpointSchedule {
  /** Unsigned entries that make a checkpoint due. */
  every: number;
  /** Age in seconds of the oldest unsigned entry that makes a checkpoint due. */
  seconds: number;
  /** Milliseconds between two checks; by default the smaller of 5 s and `seconds`. */
  pollMs?: number;
}

const MAX_POLL_MS = 5_000;
// A failure that repeats on every poll is logged on the first time and then once per this many.
const FAILURE_LOG_EVERY = 12;

/**
 * Signs the heads of the audit chains in the background: when `every`
 * entries, counted over all chains, are unsigned, or when the oldest unsigned
 * entry is `seconds` old, checked every few seconds, and once more at
 * `close`. It never takes a chain's append lock, so appends never wait for it.
 *
 * Before each checkpoint it checks that its key is still the current one, and
 * loads the new key after a rotation made by another process.
 */
export class CheckpointScheduler {
  readonly #db: Kysely<Database>;
  readonly #keys: KeyProvider;
  readonly #schedule: Required<CheckpointSchedule>;
  #key: AuditSigningKey;
  #timer: NodeJS.Timeout | null = null;
  #running: Promise<void> | null = null;
  #failures = 0;

  constructor(db: Kysely<Database>, keys: KeyProvider, key: AuditSigningKey, schedule: CheckpointSchedule) {
    this.#db = db;
    this.#keys = keys;
    this.#key = key;
    this.#schedule = { ...schedule, pollMs: schedule.pollMs ?? Math.min(MAX_POLL_MS, schedule.seconds * 1000) };
  }

  /** Id of the key that signs the next checkpoint. */
  get keyId(): string {
    return this.#key.keyId;
  }

  start(): void {
    if (this.#timer !== null) return;
    this.#timer = setInterval(() => void this.#runOnce(() => this.#checkpointIfDue()), this.#schedule.pollMs);
    this.#timer.unref();
  }

  /** Stops the timer, waits for a running check, then signs the head if any entry is unsigned. */
  async close(): Promise<void> {
    if (this.#timer !== null) clearInterval(this.#timer);
    this.#timer = null;
    await this.#running;
    await this.#runOnce(async () => {
      const state = await this.#readState();
      if (state.unsigned > 0) await this.#write();
    });
    this.#key.secretKey.fill(0);
  }

  // Runs one check at a time: a poll that finds one running skips its turn.
  async #runOnce(work: () => Promise<void>): Promise<void> {
    if (this.#running !== null) return;
    this.#running = (async () => {
      try {
        await work();
        this.#failures = 0;
      } catch (error) {
        this.#failures += 1;
        if (this.#failures === 1 || this.#failures % FAILURE_LOG_EVERY === 0) {
          logger.error('audit checkpoint failed', { consecutiveFailures: this.#failures, error });
        }
      } finally {
        this.#running = null;
      }
    })();
    await this.#running;
  }

  async #checkpointIfDue(): Promise<void> {
    const state = await this.#readState();
    if (state.unsigned <= 0) return;
    if (state.unsigned >= this.#schedule.every || state.oldestUnsignedAgeMs >= this.#schedule.seconds * 1000) {
      await this.#write();
    }
  }

  async #write(): Promise<WrittenCheckpoint[]> {
    await this.#followRotation();
    const checkpoints = await writeCheckpoints(this.#db, this.#key);
    if (checkpoints.length > 0) {
      logger.info('audit checkpoints written', { chains: checkpoints.length, entries: checkpoints.reduce((sum, checkpoint) => sum + checkpoint.seq, 0), keyId: this.#key.keyId });
    }
    return checkpoints;
  }

  async #followRotation(): Promise<void> {
    const currentId = await currentSigningKeyId(this.#db);
    if (currentId === this.#key.keyId) return;

    const key = await loadOrCreateSigningKey(this.#db, this.#keys);
    this.#key.secretKey.fill(0);
    this.#key = key;
    logger.info('audit signing key changed', { keyId: key.keyId });
  }

  // Counts the entries that no checkpoint covers, over every chain, and
  // finds the oldest of them. The head rows give each chain's last seq.
  async #readState(): Promise<{ unsigned: number; oldestUnsignedAgeMs: number }> {
    const { rows } = await sql<{ unsigned: string | null; oldest: Date | null }>`
      select sum(h.seq - coalesce(k.signed, 0)) as unsigned, min(e.time) as oldest
      from audit_chain_heads h
      left join lateral (select max(c.seq) as signed from audit_checkpoints c where c.chain = h.chain) k on true
      left join audit_events e on e.chain = h.chain and e.seq = coalesce(k.signed, 0) + 1
    `.execute(this.#db);
    const row = rows[0];
    const oldest = row?.oldest ?? null;
    return { unsigned: Number(row?.unsigned ?? 0), oldestUnsignedAgeMs: oldest === null ? 0 : Date.now() - new Date(oldest).getTime() };
  }
}
