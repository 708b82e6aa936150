import { setAuditLockTimeout } from '../../audit/append.js';
import type { AppContext } from '../context.js';
import type { Feature } from '../feature.js';
import { auditRoutes } from './audit.routes.js';
import { CheckpointScheduler } from './checkpoint-scheduler.js';
import { loadOrCreateSigningKey } from './signing-key.repository.js';

/**
 * Creates the audit log's feature: the signing key, loaded or created at
 * start, the background checkpoints and the final one at shutdown, the
 * published keys and the DPO's verification route.
 *
 * The vault closes this feature last, after every other feature has stopped
 * appending, so the final checkpoint covers the last entry.
 */
export async function createAuditFeature(ctx: AppContext): Promise<Feature> {
  setAuditLockTimeout(ctx.config.audit.lockTimeoutMs);
  const key = await loadOrCreateSigningKey(ctx.db, ctx.keys);
  const scheduler = new CheckpointScheduler(ctx.db, ctx.keys, key, {
    every: ctx.config.audit.checkpointEvery,
    seconds: ctx.config.audit.checkpointSeconds,
  });

  return {
    routers: [auditRoutes(ctx)],
    async start() {
      scheduler.start();
    },
    async close() {
      await scheduler.close();
    },
  };
}
