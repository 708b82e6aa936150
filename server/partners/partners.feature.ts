import type { AppContext } from '../context.js';
import type { Feature } from '../feature.js';
import { ensureDevPartners } from './dev-partners.js';
import { currentTokenSigningKey } from './oauth/token-signing-key.js';
import { tokenRoutes } from './oauth/token.routes.js';
import { partnerAdminRoutes } from './partner-admin.routes.js';
import { partnerDirectoryRoutes } from './partner-directory.routes.js';

/**
 * Partners: the administrators' registry (`/admin/v1/partners`), the directory people
 * choose from (`/api/v1/partners`) and the token endpoint (`/oauth/token`). The partner
 * API itself is mounted by the grants feature, behind `requirePartner`.
 */
export async function createPartnersFeature(ctx: AppContext): Promise<Feature> {
  // Loaded (or created) before the server listens, so a missing KEK or a damaged key row
  // stops the start instead of failing the first token request.
  await currentTokenSigningKey(ctx);
  return {
    routers: [partnerAdminRoutes(ctx), partnerDirectoryRoutes(ctx), tokenRoutes(ctx)],
    start: () => ensureDevPartners(ctx),
  };
}
