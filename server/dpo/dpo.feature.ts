import type { AppContext } from '../context.js';
import type { Feature } from '../feature.js';

// TODO: the DPO's journal views, exports and the person's access history are not written yet.
export async function createDpoFeature(_ctx: AppContext): Promise<Feature> {
  return {};
}
