import { accessRequestRoutes } from '../access-requests/access-request.routes.js';
import { partnerAccessRequestRoutes } from '../access-requests/partner-access-request.routes.js';
import { sharingCodeRoutes } from '../access-requests/sharing-code.routes.js';
import type { AppContext } from '../context.js';
import type { Feature } from '../feature.js';
import { consentTextRoutes } from './consent-text.routes.js';
import { createGrantExpiryJob } from './grant-expiry.job.js';
import { grantRoutes } from './grant.routes.js';
import { partnerGrantRoutes } from './partner-grant.routes.js';

/**
 * Grants, the partner API that reads through them, sharing codes and access
 * requests, and the job that records grant expiries in the audit log.
 */
export async function createGrantsFeature(ctx: AppContext): Promise<Feature> {
  const expiryJob = createGrantExpiryJob(ctx, ctx.config.grants.expirySweepSeconds * 1000);
  return {
    routers: [
      consentTextRoutes(),
      grantRoutes(ctx),
      sharingCodeRoutes(ctx),
      accessRequestRoutes(ctx),
      partnerGrantRoutes(ctx),
      partnerAccessRequestRoutes(ctx),
    ],
    async start() {
      expiryJob.start();
    },
    async close() {
      await expiryJob.stop();
    },
  };
}
