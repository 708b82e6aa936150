import { DecryptionFailed, openMetadata, unwrapDocumentKey } from '../../crypto/index.js';
import type { Purpose } from '../../policies/index.js';
import { reasonLabel } from '../dpo/audit-labels.js';
import { PURPOSE_LABELS } from '../grants/purpose-labels.js';
import type { Locale } from '../i18n/locale.js';
import { logger } from '../logging/logger.js';
import type { HistoryRecord } from './access-history.repository.js';

/** Kind of an event of the history, by the audit action it comes from. */
export type HistoryKind =
  | 'document_download'
  | 'document_list'
  | 'access_request'
  | 'access_request_read'
  | 'grant_created'
  | 'grant_revoked'
  | 'grant_expired'
  | 'partner_access';

const KIND_OF_ACTION: Readonly<Record<string, HistoryKind>> = {
  'partner.document.download': 'document_download',
  'partner.documents.list': 'document_list',
  'access_request.create': 'access_request',
  'partner.access_request.read': 'access_request_read',
  'grant.create': 'grant_created',
  'grant.revoke': 'grant_revoked',
  'grant.expire': 'grant_expired',
};

/** Label of each kind, in plain words for the person. */
const KIND_LABELS: Readonly<Record<HistoryKind, Record<Locale, string>>> = {
  document_download: { fr: 'Un partenaire a téléchargé un de vos documents', en: 'A partner downloaded one of your documents' },
  document_list: { fr: 'Un partenaire a consulté la liste des documents partagés', en: 'A partner viewed the list of shared documents' },
  access_request: { fr: 'Un partenaire vous a demandé l\'accès à des documents', en: 'A partner asked you for access to documents' },
  access_request_read: { fr: 'Un partenaire a consulté sa demande d\'accès', en: 'A partner viewed its access request' },
  grant_created: { fr: 'Partage créé', en: 'Grant created' },
  grant_revoked: { fr: 'Partage révoqué', en: 'Grant revoked' },
  grant_expired: { fr: 'Partage arrivé à échéance', en: 'Grant expired' },
  partner_access: { fr: 'Un partenaire a accédé à vos données', en: 'A partner accessed your data' },
};

const REFUSED_PREFIX: Record<Locale, string> = { fr: 'Tentative refusée : ', en: 'Refused attempt: ' };

/** One event of a person's access history, as the API sends it. Built field by field from the record. */
export interface HistoryItem {
  time: string;
  kind: HistoryKind;
  label: string;
  partner: { id: string; name: string } | null;
  purpose: string | null;
  purposeLabel: string | null;
  document: { id: string; title: string | null } | null;
  grantId: string | null;
  outcome: 'allow' | 'deny';
  reason: string | null;
  reasonLabel: string | null;
}

/**
 * Builds the history items of a page, decrypting each document's title with
 * the person's own user key. A deleted document, or one whose title does
 * not open, shows a null title.
 */
export async function buildHistoryItems(records: readonly HistoryRecord[], userKey: Uint8Array, locale: Locale): Promise<HistoryItem[]> {
  const items: HistoryItem[] = [];
  for (const record of records) items.push(await historyItem(record, userKey, locale));
  return items;
}

async function historyItem(record: HistoryRecord, userKey: Uint8Array, locale: Locale): Promise<HistoryItem> {
  const kind = KIND_OF_ACTION[record.action] ?? 'partner_access';
  const kindLabel = KIND_LABELS[kind][locale];
  const purpose = record.purpose as Purpose | null;
  return {
    time: record.time.toISOString(),
    kind,
    label: record.outcome === 'deny' ? REFUSED_PREFIX[locale] + lowerFirst(kindLabel) : kindLabel,
    partner: record.partnerId !== null && record.partnerName !== null ? { id: record.partnerId, name: record.partnerName } : null,
    purpose,
    purposeLabel: purpose !== null && Object.hasOwn(PURPOSE_LABELS, purpose) ? PURPOSE_LABELS[purpose][locale] : null,
    document: record.resourceType === 'document' && record.resourceId !== null ? { id: record.resourceId, title: await openTitle(record, userKey) } : null,
    grantId: record.grantId,
    outcome: record.outcome,
    reason: record.reason,
    reasonLabel: reasonLabel(record.reason, locale),
  };
}

async function openTitle(record: HistoryRecord, userKey: Uint8Array): Promise<string | null> {
  const document = record.document;
  if (document === null) return null;
  let documentKey: Uint8Array | null = null;
  try {
    documentKey = await unwrapDocumentKey(userKey, document.wrappedKey, document.id);
    return await openMetadata(documentKey, document.id, 'title', document.titleSealed);
  } catch (error) {
    if (!(error instanceof DecryptionFailed)) throw error;
    logger.error('document title does not open for its owner', { documentId: document.id, error });
    return null;
  } finally {
    documentKey?.fill(0);
  }
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}
