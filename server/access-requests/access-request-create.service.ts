import { randomUUID } from 'node:crypto';

import type { Transaction } from 'kysely';

import {
  DOCUMENT_CATEGORIES,
  addUtcMonths,
  decideGrantCreation,
  decidePartnerStanding,
  decideSharingCodeUse,
  GRANT_DEFAULT_MONTHS,
  type Purpose,
} from '../../policies/index.js';
import type { AppContext } from '../context.js';
import type { Database } from '../db/schema.js';
import { recordAudit } from '../grants/audit-record.js';
import { allowed, denialError, denied, type Outcome } from '../grants/decision-outcome.js';
import { grantCreationError } from '../grants/grant-insert.js';
import type { PartnerActor } from '../grants/partner-actor.js';
import { findPartner } from '../grants/partner-directory.repository.js';
import { loadUserKey } from '../identity/account.repository.js';
import { sealMessage } from './access-request-message.js';
import type { PartnerAccessRequestBody } from './access-request-body.js';
import { insertAccessRequest } from './access-request.repository.js';
import type { StoredAccessRequest } from './access-request.types.js';
import { hashSharingCode } from './sharing-code.js';
import { findSharingCodeByHash } from './sharing-code.repository.js';

/** How long a person has to answer an access request, in milliseconds (7 days). */
export const ACCESS_REQUEST_ANSWER_MS = 7 * 24 * 60 * 60 * 1000;

const DAY_MS = 24 * 60 * 60 * 1000;

/** Result of a partner's access request. `codeRejected` is true when the caller must count a failed code. */
export interface AccessRequestAttempt {
  outcome: Outcome<StoredAccessRequest>;
  codeRejected: boolean;
}

/**
 * Creates a pending access request from a partner with a person's sharing
 * code. Checks, in order: the partner's standing (decidePartnerStanding),
 * the code (decideSharingCodeUse: a wrong, expired or revoked code all get
 * `sharing_code_invalid`, 404), then the requested scope, purpose and
 * window with decideGrantCreation, so the person can approve the request
 * unchanged. Every outcome commits its audit entry.
 */
export async function createAccessRequest(ctx: AppContext, actor: PartnerActor, body: PartnerAccessRequestBody): Promise<AccessRequestAttempt> {
  let codeRejected = false;
  const outcome = await ctx.db.transaction().execute(async (trx): Promise<Outcome<StoredAccessRequest>> => {
    const now = new Date();
    const event = { action: 'access_request.create', resourceType: 'access_request' as const, partnerId: actor.partnerId };

    const partner = await findPartner(trx, actor.partnerId);
    const standing = decidePartnerStanding({ partner: partner ?? null });
    if (standing.effect === 'deny') {
      await recordAudit(trx, actor.audit, { ...event, resourceId: null, subjectId: null, outcome: 'deny', reason: standing.reason });
      return denied(denialError(standing.reason));
    }

    // The lookup runs for every code, malformed or not, so all wrong codes take the same path.
    const code = await findSharingCodeByHash(trx, hashSharingCode(body.sharingCode));
    const use = decideSharingCodeUse({ code: code ?? null, now });
    if (use.effect === 'deny' || !code) {
      codeRejected = true;
      await recordAudit(trx, actor.audit, { ...event, resourceId: null, subjectId: code?.personId ?? null, outcome: 'deny', reason: 'sharing_code_invalid' });
      return denied(denialError('sharing_code_invalid'));
    }

    const requestedEndsAt = body.requestedDurationDays === null
      ? addUtcMonths(now, GRANT_DEFAULT_MONTHS)
      : new Date(now.getTime() + body.requestedDurationDays * DAY_MS);
    const content = decideGrantCreation({
      person: { accountId: code.personId },
      partner: partner ?? null,
      documents: [],
      missingDocumentIds: [],
      categories: body.categories,
      purpose: body.purpose,
      purposeText: body.purposeText,
      startsAt: null,
      endsAt: requestedEndsAt,
      now,
    });
    if (content.effect === 'deny') {
      await recordAudit(trx, actor.audit, { ...event, resourceId: null, subjectId: code.personId, outcome: 'deny', reason: content.reason });
      return denied(grantCreationError(content, body));
    }

    const id = randomUUID();
    const messageSealed = body.message === null ? null : await sealForPerson(trx, ctx, code.personId, id, body.message);
    const request: StoredAccessRequest = {
      id,
      partnerId: actor.partnerId,
      personId: code.personId,
      sharingCodeId: code.id,
      purpose: body.purpose as Purpose,
      purposeText: content.purposeText,
      categories: DOCUMENT_CATEGORIES.filter((category) => body.categories.includes(category)),
      messageSealed,
      requestedEndsAt,
      status: 'pending',
      createdAt: now,
      // A request that outlives its requested end could never be approved.
      expiresAt: new Date(Math.min(now.getTime() + ACCESS_REQUEST_ANSWER_MS, requestedEndsAt.getTime())),
      answeredAt: null,
      grantId: null,
    };
    await insertAccessRequest(trx, request);
    await recordAudit(trx, actor.audit, { ...event, resourceId: id, subjectId: code.personId, outcome: 'allow', reason: null });
    return allowed(request);
  });
  return { outcome, codeRejected };
}

async function sealForPerson(trx: Transaction<Database>, ctx: AppContext, personId: string, requestId: string, message: string): Promise<Uint8Array> {
  const userKey = await loadUserKey(trx, ctx.keys, personId);
  try {
    return await sealMessage(userKey, requestId, message);
  } finally {
    userKey.fill(0);
  }
}

