import { Router } from 'express';

import type { JwkSet } from '../jwk-set.js';
import { ENCRYPTION_KEYS_PATH } from './encryption-keys.js';

/**
 * Publishes the vault's public encryption keys as a JWK Set, at the URL registered with
 * the identity provider as the client's `jwks_uri`.
 */
export function encryptionKeysRoutes(publicJwks: JwkSet): Router {
  const router = Router();
  const body = JSON.stringify(publicJwks);
  router.get(ENCRYPTION_KEYS_PATH, (_req, res) => {
    res.status(200).type('application/json').set('Cache-Control', 'public, max-age=300').send(body);
  });
  return router;
}
