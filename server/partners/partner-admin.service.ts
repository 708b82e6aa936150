import { randomUUID } from 'node:crypto';

import type { Kysely, Transaction } from 'kysely';

import type { Database } from '../db/schema.js';
import { AppError } from '../errors/app-error.js';
import { appendPartnerAudit, type PartnerAdminActor } from './partner-audit.js';
import { encodeCursor } from '../http/page-cursor.js';
import { isPartnerId, newClientId } from './partner-id.js';
import type { PartnerListQuery } from './partner-list-query.js';
import type { PartnerRegistration } from './partner-registration.js';
import { toPartnerView, type PartnerView } from './partner-view.js';
import { changePartnerStatus, findPartner, findPartnerByClientId, insertPartner, listPartnerKeys, listPartners } from './partner.repository.js';
import type { Partner, PartnerStatus } from './partner.types.js';

// The registry's operations, shared by the admin API and the command line. The caller
// has already checked that the actor may manage partners: the routes through the
// session's role, the command line by running with access to the database.

/** One page of the registry; `nextCursor` is null on the last page. */
export interface PartnerPage {
  items: PartnerView[];
  nextCursor: string | null;
}

/** Registers an active partner with a new client id, audited as `partner.register`. */
export async function registerPartner(db: Kysely<Database>, actor: PartnerAdminActor, registration: PartnerRegistration): Promise<PartnerView> {
  const partner = await db.transaction().execute(async (trx) => {
    const created = await insertRegisteredPartner(trx, actor, registration, newClientId());
    // A random 128-bit client id that already exists means a broken random source.
    if (!created) throw new Error('client id collision while registering a partner');
    return created;
  });
  return toPartnerView(partner, registration.keys);
}

/**
 * Inserts an active partner under `clientId` and audits it, unless a partner already
 * has that client id, in which case nothing is written and null is returned.
 */
export async function insertRegisteredPartner(
  trx: Transaction<Database>,
  actor: PartnerAdminActor,
  registration: PartnerRegistration,
  clientId: string,
  reason?: string,
): Promise<Partner | null> {
  const partner: Partner = {
    id: randomUUID(),
    name: registration.name,
    kind: registration.kind,
    siret: registration.siret,
    status: 'active',
    clientId,
    createdAt: new Date(),
    suspendedAt: null,
  };
  if (!(await insertPartner(trx, partner, registration.keys))) return null;
  await appendPartnerAudit(trx, actor, { action: 'partner.register', partnerId: partner.id, reason });
  return partner;
}

/** Suspends an active partner, audited as `partner.suspend`. Its tokens stop working on the next request. */
export async function suspendPartner(db: Kysely<Database>, actor: PartnerAdminActor, partnerId: string): Promise<PartnerView> {
  return changeStatus(db, actor, partnerId, { from: 'active', to: 'suspended' });
}

/** Reactivates a suspended partner, audited as `partner.reactivate`. */
export async function reactivatePartner(db: Kysely<Database>, actor: PartnerAdminActor, partnerId: string): Promise<PartnerView> {
  return changeStatus(db, actor, partnerId, { from: 'suspended', to: 'active' });
}

/** Returns a partner with its keys; `partner_not_found` (404) for an unknown or malformed id. */
export async function readPartner(db: Kysely<Database>, partnerId: string): Promise<PartnerView> {
  const partner = isPartnerId(partnerId) ? await findPartner(db, partnerId) : undefined;
  if (!partner) throw new AppError('partner_not_found');
  const keys = await listPartnerKeys(db, [partner.id]);
  return toPartnerView(partner, keys.get(partner.id) ?? []);
}

/** Lists the registry newest first, one page at a time. */
export async function listPartnerPage(db: Kysely<Database>, query: PartnerListQuery): Promise<PartnerPage> {
  const rows = await listPartners(db, query);
  const page = rows.slice(0, query.limit);
  const keys = await listPartnerKeys(db, page.map((partner) => partner.id));
  const last = page.at(-1);
  return {
    items: page.map((partner) => toPartnerView(partner, keys.get(partner.id) ?? [])),
    nextCursor: rows.length > query.limit && last ? encodeCursor({ createdAt: last.createdAt, id: last.id }) : null,
  };
}

/** Finds a partner by its id or its client id, for the command line. */
export async function findPartnerByReference(db: Kysely<Database>, reference: string): Promise<Partner | undefined> {
  return isPartnerId(reference) ? findPartner(db, reference) : findPartnerByClientId(db, reference);
}

async function changeStatus(
  db: Kysely<Database>,
  actor: PartnerAdminActor,
  partnerId: string,
  change: { from: PartnerStatus; to: PartnerStatus },
): Promise<PartnerView> {
  if (!isPartnerId(partnerId)) throw new AppError('partner_not_found');
  const partner = await db.transaction().execute(async (trx) => {
    const changed = await changePartnerStatus(trx, partnerId, { ...change, at: new Date() });
    if (!changed) {
      const current = await findPartner(trx, partnerId);
      if (!current) throw new AppError('partner_not_found');
      throw new AppError(current.status === 'suspended' ? 'partner_already_suspended' : 'partner_already_active');
    }
    await appendPartnerAudit(trx, actor, { action: change.to === 'suspended' ? 'partner.suspend' : 'partner.reactivate', partnerId });
    return changed;
  });
  const keys = await listPartnerKeys(db, [partner.id]);
  return toPartnerView(partner, keys.get(partner.id) ?? []);
}
