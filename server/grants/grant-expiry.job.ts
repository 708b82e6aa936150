import type { AppContext } from '../context.js';
import { logger } from '../logging/logger.js';
import { recordAudit, type AuditActor } from './audit-record.js';
import { lockEndedGrants, markExpiryRecorded } from './grant-expiry.repository.js';

// Grants per transaction: each holds the audit chain lock until it commits,
// so batches stay small enough not to stall requests that append meanwhile.
const BATCH_SIZE = 100;

const SYSTEM_ACTOR: AuditActor = { type: 'system', id: null, requestId: null, sourceAddress: null };

/** The background job that records each grant's expiry once in the audit log. */
export interface GrantExpiryJob {
  /** Runs a sweep now, then one every interval. */
  start(): void;
  /** Stops the timer and waits for a running sweep to finish. */
  stop(): Promise<void>;
  /** Runs one sweep and returns the number of expiries recorded. */
  sweep(): Promise<number>;
}

/**
 * Creates the expiry job. It only writes the record: access already ends at
 * `endsAt`, because every partner request compares it with the clock. In
 * each batch the `grant.expire` entries (actor `system`) and
 * `expiry_recorded_at` commit together, and locked rows are skipped, so an
 * expiry is recorded once even with several instances sweeping.
 */
export function createGrantExpiryJob(ctx: AppContext, intervalMs: number): GrantExpiryJob {
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<number> | null = null;

  const sweep = async (): Promise<number> => {
    let recorded = 0;
    for (;;) {
      const count = await ctx.db.transaction().execute(async (trx) => {
        const now = new Date();
        const grants = await lockEndedGrants(trx, now, BATCH_SIZE);
        await markExpiryRecorded(trx, grants.map((grant) => grant.id), now);
        for (const grant of grants) {
          await recordAudit(trx, SYSTEM_ACTOR, {
            action: 'grant.expire',
            resourceType: 'grant',
            resourceId: grant.id,
            subjectId: grant.personId,
            outcome: 'allow',
            reason: null,
            partnerId: grant.partnerId,
            grantId: grant.id,
          });
        }
        return grants.length;
      });
      recorded += count;
      if (count < BATCH_SIZE) return recorded;
    }
  };

  // One sweep at a time: a tick that finds the previous sweep still running skips.
  const tick = () => {
    if (running) return;
    running = sweep()
      .then((count) => {
        if (count > 0) logger.info('grant expiries recorded', { count });
        return count;
      })
      .catch((error: unknown) => {
        logger.error('grant expiry sweep failed; retrying at the next interval', { error });
        return 0;
      })
      .finally(() => {
        running = null;
      });
  };

  return {
    start() {
      if (timer) return;
      logger.info('grant expiry job started', { intervalMs });
      tick();
      timer = setInterval(tick, intervalMs);
      timer.unref();
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = null;
      await running;
      logger.info('grant expiry job stopped');
    },
    sweep,
  };
}
