import { DOCUMENT_CATEGORIES, grantStatus } from '../../policies/index.js';
import type { AppContext } from '../context.js';
import { openDocumentView } from '../documents/document-view.js';
import { findDocument } from '../documents/document.repository.js';
import type { StoredDocument } from '../documents/document.types.js';
import type { Locale } from '../i18n/locale.js';
import { loadUserKey } from '../identity/account.repository.js';
import type { GrantDocumentView, GrantView, StoredGrant } from './grant.types.js';
import { findPartnerNames } from './partner-directory.repository.js';
import { PURPOSE_LABELS, categoryViews } from './purpose-labels.js';

/**
 * Builds the person's view of their grants: partner names, labels, status at
 * `now`, and the titles of listed documents, decrypted with the person's
 * user key. Call it only after the read was authorized and recorded.
 */
export async function buildGrantViews(ctx: AppContext, personId: string, grants: readonly StoredGrant[], locale: Locale, now: Date): Promise<GrantView[]> {
  if (grants.length === 0) return [];
  const names = await findPartnerNames(ctx.db, grants.map((grant) => grant.partnerId));
  const titles = await openDocumentTitles(ctx, personId, grants.flatMap((grant) => grant.documentIds));

  return grants.map((grant) => ({
    id: grant.id,
    partner: { id: grant.partnerId, name: names.get(grant.partnerId) ?? '' },
    purpose: grant.purpose,
    purposeLabel: PURPOSE_LABELS[grant.purpose][locale],
    purposeText: grant.purposeText,
    documents: grant.documentIds.flatMap((id) => titles.get(id) ?? []),
    categories: categoryViews(DOCUMENT_CATEGORIES.filter((category) => grant.categories.includes(category)), locale),
    startsAt: grant.startsAt.toISOString(),
    endsAt: grant.endsAt.toISOString(),
    revokedAt: grant.revokedAt?.toISOString() ?? null,
    createdAt: grant.createdAt.toISOString(),
    status: grantStatus(grant, now),
    consentVersion: grant.consentVersion,
  }));
}

// NOTE: one query per listed document; a page of grants lists few documents,
// so a bulk read is not worth a second documents repository yet.
async function openDocumentTitles(ctx: AppContext, personId: string, documentIds: readonly string[]): Promise<Map<string, GrantDocumentView>> {
  const views = new Map<string, GrantDocumentView>();
  const documents: StoredDocument[] = [];
  for (const id of new Set(documentIds)) {
    const document = await findDocument(ctx.db, id);
    if (document && document.ownerId === personId) documents.push(document);
  }
  if (documents.length === 0) return views;

  const userKey = await loadUserKey(ctx.db, ctx.keys, personId);
  try {
    for (const document of documents) {
      const view = await openDocumentView(userKey, document);
      views.set(document.id, { id: document.id, category: document.category, title: view.title });
    }
  } finally {
    userKey.fill(0);
  }
  return views;
}
