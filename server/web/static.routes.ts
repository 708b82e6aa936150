import path from 'node:path';
import { fileURLToPath } from 'node:url';

import express, { Router } from 'express';

import { findDsfrAssets } from './dsfr-assets.js';

const ASSETS_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'assets');

/** URL prefix of the vault's own stylesheet and scripts. */
export const ASSETS_PATH = '/assets';

/**
 * Serves the page assets from the vault itself, never from a CDN. The DSFR's
 * `dist` files get a versioned path and a one-year immutable cache. The
 * vault's own stylesheet and scripts get a one-hour cache, because their path
 * carries no version.
 */
export function staticRoutes(): Router {
  const router = Router();
  const dsfr = findDsfrAssets();
  if (dsfr) {
    router.use(dsfr.urlPrefix, express.static(dsfr.distDir, { immutable: true, maxAge: '365d', index: false }));
  }
  router.use(ASSETS_PATH, express.static(ASSETS_DIR, { maxAge: '1h', index: false }));
  return router;
}
