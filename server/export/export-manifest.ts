import type { AccessRequestView } from '../access-requests/access-request.types.js';
import type { HistoryItem } from '../access-history/access-history-view.js';
import { csvLine, HISTORY_CSV_COLUMNS } from '../access-history/access-history.service.js';
import type { DocumentCategory } from '../documents/document-category.js';
import type { MediaType } from '../documents/media-type.js';
import { csvRow, UTF8_BOM } from '../dpo/csv.js';
import type { GrantView } from '../grants/grant.types.js';
import type { Locale } from '../i18n/locale.js';

/** Format tag of `manifest.json`. */
export const MANIFEST_FORMAT = 'coffre-export/1';

/** A document as the manifest and documents.csv describe it. */
export interface ExportedDocument {
  id: string;
  title: string;
  /** The file name as uploaded. */
  fileName: string;
  /** Path of the file in the archive: safe, unique, under `documents/`. */
  archivePath: string;
  category: DocumentCategory;
  categoryLabel: string;
  mediaType: MediaType;
  sizeBytes: number;
  /** SHA-256 of the content as written to the archive, 64 lowercase hex digits. */
  sha256: string;
  createdAt: string;
}

/** Everything in `manifest.json` except the access history, which is streamed after it. */
export interface ManifestHead {
  format: typeof MANIFEST_FORMAT;
  exportedAt: string;
  person: { id: string };
  documents: ExportedDocument[];
  grants: GrantView[];
  accessRequests: AccessRequestView[];
}

/**
 * Yields `manifest.json`: the head's fields, then `accessHistory` as an array
 * written item by item from `history`, so the history is never held whole.
 */
export async function* manifestJson(head: ManifestHead, history: AsyncIterable<HistoryItem>): AsyncGenerator<string> {
  yield '{\n';
  for (const [key, value] of Object.entries(head)) {
    yield `  ${JSON.stringify(key)}: ${JSON.stringify(value, null, 2).replaceAll('\n', '\n  ')},\n`;
  }
  yield '  "accessHistory": [';
  let first = true;
  for await (const item of history) {
    yield `${first ? '' : ','}\n    ${JSON.stringify(item)}`;
    first = false;
  }
  yield first ? ']\n}\n' : '\n  ]\n}\n';
}

const DOCUMENT_COLUMNS = ['Identifiant', 'Titre', 'Nom du fichier', 'Chemin dans l\'archive', 'Catégorie', 'Type', 'Taille (octets)', 'SHA-256', 'Date d\'ajout'];
const GRANT_COLUMNS = ['Identifiant', 'Partenaire', 'Identifiant du partenaire', 'Finalité', 'Précision de la finalité', 'Documents', 'Catégories', 'Début', 'Fin', 'Révoqué le', 'État', 'Version du consentement', 'Créé le'];
const REQUEST_COLUMNS = ['Identifiant', 'Partenaire', 'Identifiant du partenaire', 'Finalité', 'Précision de la finalité', 'Catégories', 'Message', 'Fin demandée', 'État', 'Reçue le', 'Expire le', 'Répondue le', 'Partage créé'];

const GRANT_STATUS_LABELS: Record<GrantView['status'], Record<Locale, string>> = {
  active: { fr: 'Actif', en: 'Active' },
  revoked: { fr: 'Révoqué', en: 'Revoked' },
  expired: { fr: 'Arrivé à échéance', en: 'Expired' },
  not_started: { fr: 'Pas encore commencé', en: 'Not started yet' },
};

const REQUEST_STATUS_LABELS: Record<AccessRequestView['status'], Record<Locale, string>> = {
  pending: { fr: 'En attente', en: 'Pending' },
  approved: { fr: 'Acceptée', en: 'Approved' },
  refused: { fr: 'Refusée', en: 'Refused' },
  expired: { fr: 'Expirée', en: 'Expired' },
  cancelled: { fr: 'Annulée', en: 'Cancelled' },
};

/** documents.csv: UTF-8 with a byte order mark, French column names, one row per document. */
export function documentsCsv(documents: readonly ExportedDocument[]): string {
  return UTF8_BOM + csvRow(DOCUMENT_COLUMNS) + documents
    .map((document) => csvRow([
      document.id,
      document.title,
      document.fileName,
      document.archivePath,
      document.categoryLabel,
      document.mediaType,
      document.sizeBytes,
      document.sha256,
      document.createdAt,
    ]))
    .join('');
}

/** partages.csv: one row per grant; listed documents by title, separated by " ; ". */
export function grantsCsv(grants: readonly GrantView[], locale: Locale): string {
  return UTF8_BOM + csvRow(GRANT_COLUMNS) + grants
    .map((grant) => csvRow([
      grant.id,
      grant.partner.name,
      grant.partner.id,
      grant.purposeLabel,
      grant.purposeText,
      grant.documents.map((document) => document.title).join(' ; '),
      grant.categories.map((category) => category.label).join(' ; '),
      grant.startsAt,
      grant.endsAt,
      grant.revokedAt,
      GRANT_STATUS_LABELS[grant.status][locale],
      grant.consentVersion,
      grant.createdAt,
    ]))
    .join('');
}

/** demandes.csv: one row per access request, with the partner's message. */
export function accessRequestsCsv(requests: readonly AccessRequestView[], locale: Locale): string {
  return UTF8_BOM + csvRow(REQUEST_COLUMNS) + requests
    .map((request) => csvRow([
      request.id,
      request.partner.name,
      request.partner.id,
      request.purposeLabel,
      request.purposeText,
      request.categories.map((category) => category.label).join(' ; '),
      request.message,
      request.requestedEndsAt,
      REQUEST_STATUS_LABELS[request.status][locale],
      request.createdAt,
      request.expiresAt,
      request.answeredAt,
      request.grantId,
    ]))
    .join('');
}

/** Yields historique.csv, the same file as `GET /api/v1/access-history.csv`, from `history`. */
export async function* historyCsv(history: AsyncIterable<HistoryItem>, locale: Locale): AsyncGenerator<string> {
  yield UTF8_BOM + csvRow([...HISTORY_CSV_COLUMNS]);
  for await (const item of history) yield csvLine(item, locale);
}
