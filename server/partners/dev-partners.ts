import path from 'node:path';

import type { JWK } from 'jose';

import type { AppContext } from '../context.js';
import { generatePrivateJwk, publicJwkSet } from '../identity/jwk-set.js';
import { readOrCreateSecretJson } from '../identity/secret-file.js';
import { logger } from '../logging/logger.js';
import { insertRegisteredPartner } from './partner-admin.service.js';
import type { PartnerAdminActor } from './partner-audit.js';
import { newClientId } from './partner-id.js';
import { parsePartnerJwks } from './partner-jwks.js';
import { findPartnerByClientId, insertPartnerKeys } from './partner.repository.js';
import type { PartnerKind } from './partner.types.js';

/** A fictional partner that development and test vaults register on start. */
export interface DevPartnerDefinition {
  /** File name in `dev-partners/`, without `.json`. */
  slug: string;
  name: string;
  kind: PartnerKind;
}

export const DEV_PARTNERS: readonly DevPartnerDefinition[] = [
  { slug: 'cap-emploi-de-nulle-part', name: 'Cap emploi de Nulle-Part', kind: 'cap_emploi' },
  { slug: 'cfa-des-essais', name: 'CFA des Essais', kind: 'training_centre' },
];

/** Contents of `COFFRE_DATA_DIR/dev-partners/<slug>.json`: what a partner's software needs to get tokens. */
export interface DevPartnerFile {
  name: string;
  clientId: string;
  /** ES256 private JWK with `kid` and `alg`. */
  privateJwk: JWK;
}

const SEED_ACTOR: PartnerAdminActor = { actorType: 'system', actorId: null, requestId: null, sourceAddress: null };

/**
 * Makes sure the development partners exist: each gets a file with its client id and an
 * ES256 private key (created once, mode 0600, folder 0700) and a row registered under
 * that client id with the file's public key. A restart reuses both; a file that outlives
 * its database is registered again. Only for the development identity provider, which
 * the configuration refuses in production.
 */
export async function ensureDevPartners(ctx: AppContext): Promise<void> {
  if (!ctx.config.oidc.devProvider || ctx.config.env === 'production') return;
  for (const definition of DEV_PARTNERS) {
    await ensureDevPartner(ctx, definition);
  }
}

/** Path of a development partner's file. */
export function devPartnerFile(dataDir: string, slug: string): string {
  return path.join(dataDir, 'dev-partners', `${slug}.json`);
}

async function ensureDevPartner(ctx: AppContext, definition: DevPartnerDefinition): Promise<void> {
  const file = devPartnerFile(ctx.config.dataDir, definition.slug);
  const contents = parseDevPartnerFile(
    await readOrCreateSecretJson(file, async () => ({
      name: definition.name,
      clientId: newClientId(),
      privateJwk: await generatePrivateJwk('ES256', 'sig'),
    })),
    file,
  );
  const keys = await parsePartnerJwks(publicJwkSet({ keys: [contents.privateJwk] }), file);

  await ctx.db.transaction().execute(async (trx) => {
    const existing = await findPartnerByClientId(trx, contents.clientId);
    if (existing) {
      // The file may carry a key that the row lacks, after the key was replaced by hand.
      await insertPartnerKeys(trx, existing.id, keys);
      return;
    }
    const registration = { name: definition.name, kind: definition.kind, siret: null, keys };
    const created = await insertRegisteredPartner(trx, SEED_ACTOR, registration, contents.clientId, 'dev_seed');
    if (created) logger.info('development partner registered', { partnerId: created.id, clientId: created.clientId });
  });
}

function parseDevPartnerFile(value: unknown, file: string): DevPartnerFile {
  const contents = value as Partial<DevPartnerFile> | null;
  const jwk = contents?.privateJwk;
  if (
    typeof contents?.clientId !== 'string' ||
    typeof contents.name !== 'string' ||
    typeof jwk !== 'object' ||
    jwk === null ||
    jwk.alg !== 'ES256' ||
    typeof jwk.kid !== 'string' ||
    typeof jwk.d !== 'string'
  ) {
    throw new Error(`${file} must hold { name, clientId, privateJwk } with an ES256 private JWK that has "kid"; delete the file to let the vault create a new partner`);
  }
  return { name: contents.name, clientId: contents.clientId, privateJwk: jwk };
}
