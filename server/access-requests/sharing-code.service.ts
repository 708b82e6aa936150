import { randomUUID } from 'node:crypto';

import type { AppContext } from '../context.js';
import { AppError } from '../errors/app-error.js';
import { recordAudit } from '../grants/audit-record.js';
import { allowed, denialError, denied, settle } from '../grants/decision-outcome.js';
import { toPage, type PageQuery } from '../http/page-query.js';
import { decidePersonSharing, type PersonActor } from '../grants/person-actor.js';
import { parseUuid } from '../grants/uuid.js';
import { SHARING_CODE_VALIDITY_MS, generateSharingCode, hashSharingCode } from './sharing-code.js';
import { findSharingCodeForUpdate, insertSharingCode, listSharingCodesOfPerson, revokeSharingCode } from './sharing-code.repository.js';
import type { SharingCodeStatus, StoredSharingCode } from './sharing-code.types.js';

/**
 * Creates a sharing code for the person, valid 24 hours. The code is
 * returned once and only its hash is stored, so it can never be shown again.
 */
export async function createSharingCode(ctx: AppContext, actor: PersonActor): Promise<{ sharingCode: StoredSharingCode; code: string }> {
  const outcome = await ctx.db.transaction().execute(async (trx) => {
    const standing = decidePersonSharing(actor);
    if (standing.effect === 'deny') {
      await recordAudit(trx, actor.audit, { action: 'sharing_code.create', resourceType: 'sharing_code', resourceId: null, subjectId: actor.accountId, outcome: 'deny', reason: standing.reason });
      return denied<{ sharingCode: StoredSharingCode; code: string }>(denialError(standing.reason));
    }
    const now = new Date();
    const code = generateSharingCode();
    const sharingCode: StoredSharingCode = {
      id: randomUUID(),
      personId: actor.accountId,
      expiresAt: new Date(now.getTime() + SHARING_CODE_VALIDITY_MS),
      revokedAt: null,
      createdAt: now,
    };
    await insertSharingCode(trx, sharingCode, hashSharingCode(code));
    await recordAudit(trx, actor.audit, { action: 'sharing_code.create', resourceType: 'sharing_code', resourceId: sharingCode.id, subjectId: actor.accountId, outcome: 'allow', reason: null });
    return allowed({ sharingCode, code });
  });
  return settle(outcome);
}

/**
 * Revokes one of the person's sharing codes: from then on it gets the same
 * error as a wrong code. Revoking a code that is already revoked or expired changes
 * nothing and returns it as it is. Another person's code, an unknown id and
 * a malformed one get `sharing_code_not_found` (404).
 */
export async function revokePersonSharingCode(ctx: AppContext, actor: PersonActor, rawId: string): Promise<StoredSharingCode> {
  const id = parseUuid(rawId);
  const outcome = await ctx.db.transaction().execute(async (trx) => {
    const now = new Date();
    const standing = decidePersonSharing(actor);
    const code = id && standing.effect === 'allow' ? await findSharingCodeForUpdate(trx, id) : undefined;
    // Ownership is the whole rule: policies/ has no decision for a person's own sharing codes.
    let reason: string | null = null;
    if (standing.effect === 'deny') reason = standing.reason;
    else if (code?.personId !== actor.accountId) reason = 'sharing_code_not_found';
    const event = { action: 'sharing_code.revoke', resourceType: 'sharing_code' as const, resourceId: code?.id ?? id, subjectId: code?.personId ?? actor.accountId };
    if (reason !== null || !code) {
      await recordAudit(trx, actor.audit, { ...event, outcome: 'deny', reason: reason ?? 'sharing_code_not_found' });
      return denied<StoredSharingCode>(reason === 'role_not_allowed' ? denialError(reason) : new AppError('sharing_code_not_found'));
    }
    if (code.revokedAt !== null || code.expiresAt.getTime() <= now.getTime()) return allowed(code);

    await revokeSharingCode(trx, code.id, now);
    await recordAudit(trx, actor.audit, { ...event, outcome: 'allow', reason: null });
    return allowed({ ...code, revokedAt: now });
  });
  return settle(outcome);
}

/** Returns a page of the person's sharing codes, newest first, without the codes themselves. */
export async function listPersonSharingCodes(ctx: AppContext, actor: PersonActor, page: PageQuery): Promise<{ items: StoredSharingCode[]; nextCursor: string | null }> {
  const outcome = await ctx.db.transaction().execute(async (trx) => {
    const standing = decidePersonSharing(actor);
    const event = { action: 'sharing_code.list', resourceType: 'sharing_code' as const, resourceId: null, subjectId: actor.accountId };
    if (standing.effect === 'deny') {
      await recordAudit(trx, actor.audit, { ...event, outcome: 'deny', reason: standing.reason });
      return denied<StoredSharingCode[]>(denialError(standing.reason));
    }
    const rows = await listSharingCodesOfPerson(trx, actor.accountId, page);
    await recordAudit(trx, actor.audit, { ...event, outcome: 'allow', reason: null });
    return allowed(rows);
  });
  return toPage(settle(outcome), page.limit);
}

/** Returns the state of a sharing code at `now`; revocation wins over expiry. */
export function sharingCodeStatus(code: StoredSharingCode, now: Date): SharingCodeStatus {
  if (code.revokedAt !== null) return 'revoked';
  return now.getTime() < code.expiresAt.getTime() ? 'active' : 'expired';
}
