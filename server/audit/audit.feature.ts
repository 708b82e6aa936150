import type { AppContext } from '../context.js';
import type { Feature } from '../feature.js';

// TODO: audit checkpoints, signing keys and verification routes are not written yet.
export async function createAuditFeature(_ctx: AppContext): Promise<Feature> {
  return {};
}
