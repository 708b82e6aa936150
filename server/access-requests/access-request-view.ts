import type { AccessRequestStatus } from '../../policies/index.js';
import type { AppContext } from '../context.js';
import { findPartnerNames } from '../grants/partner-directory.repository.js';
import { PURPOSE_LABELS, categoryViews } from '../grants/purpose-labels.js';
import type { Locale } from '../i18n/locale.js';
import { loadUserKey } from '../identity/account.repository.js';
import { openMessage } from './access-request-message.js';
import type { AccessRequestView, PartnerAccessRequestView, StoredAccessRequest } from './access-request.types.js';

/** Returns a request's status at `now`: a pending request past `expiresAt` is expired, as decideAccessRequestAnswer decides. */
export function accessRequestStatus(request: StoredAccessRequest, now: Date): AccessRequestStatus {
  if (request.status === 'pending' && !(now.getTime() < request.expiresAt.getTime())) return 'expired';
  return request.status;
}

/**
 * Builds the person's view of access requests: partner names, labels, and
 * the partners' messages opened with the person's user key.
 */
export async function buildAccessRequestViews(ctx: AppContext, personId: string, requests: readonly StoredAccessRequest[], locale: Locale, now: Date): Promise<AccessRequestView[]> {
  if (requests.length === 0) return [];
  const names = await findPartnerNames(ctx.db, requests.map((request) => request.partnerId));
  const messages = new Map<string, string>();
  if (requests.some((request) => request.messageSealed !== null)) {
    const userKey = await loadUserKey(ctx.db, ctx.keys, personId);
    try {
      for (const request of requests) {
        if (request.messageSealed) messages.set(request.id, await openMessage(userKey, request.id, request.messageSealed));
      }
    } finally {
      userKey.fill(0);
    }
  }

  return requests.map((request) => ({
    id: request.id,
    partner: { id: request.partnerId, name: names.get(request.partnerId) ?? '' },
    purpose: request.purpose,
    purposeLabel: PURPOSE_LABELS[request.purpose][locale],
    purposeText: request.purposeText,
    categories: categoryViews(request.categories, locale),
    message: messages.get(request.id) ?? null,
    requestedEndsAt: request.requestedEndsAt.toISOString(),
    status: accessRequestStatus(request, now),
    createdAt: request.createdAt.toISOString(),
    expiresAt: request.expiresAt.toISOString(),
    answeredAt: request.answeredAt?.toISOString() ?? null,
    grantId: request.grantId,
  }));
}

/** Builds a partner's view of its own request; the message it sent is not returned. */
export function partnerAccessRequestView(request: StoredAccessRequest, now: Date): PartnerAccessRequestView {
  return {
    id: request.id,
    status: accessRequestStatus(request, now),
    purpose: request.purpose,
    purposeText: request.purposeText,
    categories: request.categories,
    requestedEndsAt: request.requestedEndsAt.toISOString(),
    createdAt: request.createdAt.toISOString(),
    expiresAt: request.expiresAt.toISOString(),
    answeredAt: request.answeredAt?.toISOString() ?? null,
    grantId: request.status === 'approved' ? request.grantId : null,
  };
}
