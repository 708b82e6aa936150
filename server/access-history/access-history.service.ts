import type { Response } from 'express';
import type { Transaction } from 'kysely';

import { recordAuditEvent } from '../audit/record-audit-event.js';
import { decideOwnerDocumentCollectionAccess } from '../../policies/index.js';
import type { AppContext } from '../context.js';
import type { Database } from '../db/schema.js';
import { denialError } from '../documents/document-denial.js';
import { encodePositionCursor, type LogPosition } from '../dpo/audit-query.js';
import { csvRow, UTF8_BOM } from '../dpo/csv.js';
import { writeChunk } from '../dpo/response-stream.js';
import { AppError } from '../errors/app-error.js';
import type { PersonActor } from '../grants/person-actor.js';
import { loadUserKey } from '../identity/account.repository.js';
import type { Locale } from '../i18n/locale.js';
import { buildHistoryItems, type HistoryItem } from './access-history-view.js';
import { listHistoryRecords } from './access-history.repository.js';

/** One page of the history; `nextCursor` is null on the last page. */
export interface HistoryPage {
  items: HistoryItem[];
  nextCursor: string | null;
}

/** Column names of the CSV download, in French for the person who opens it in a spreadsheet. */
export const HISTORY_CSV_COLUMNS = [
  'Date',
  'Événement',
  'Partenaire',
  'Finalité',
  'Document',
  'Identifiant du document',
  'Résultat',
  'Motif',
  'Identifiant du partage',
] as const;

const CSV_BATCH_SIZE = 200;

const OUTCOME_LABELS: Record<'allow' | 'deny', Record<Locale, string>> = {
  allow: { fr: 'Autorisé', en: 'Allowed' },
  deny: { fr: 'Refusé', en: 'Refused' },
};

/**
 * Returns a page of the signed-in person's access history. Staff roles are
 * denied (`role_not_allowed`, 403), because the history shows document
 * titles. Reading one's own history is recorded as `access_history.read`,
 * appended after the query in the same transaction. It is not a partner
 * access, so the history itself never lists it.
 */
export async function readAccessHistory(ctx: AppContext, actor: PersonActor, page: { limit: number; before?: LogPosition }, locale: Locale): Promise<HistoryPage> {
  await authorizeHistory(ctx, actor);

  const records = await ctx.db.transaction().execute(async (trx) => {
    const found = await listHistoryRecords(trx, actor.accountId, page.limit + 1, page.before);
    await appendHistoryAudit(trx, actor, 'allow', null);
    return found;
  });

  const shown = records.slice(0, page.limit);
  const last = shown[shown.length - 1];
  const userKey = await loadUserKey(ctx.db, ctx.keys, actor.accountId);
  try {
    return {
      items: await buildHistoryItems(shown, userKey, locale),
      nextCursor: records.length > page.limit && last ? encodePositionCursor({ time: last.time, chain: last.chain, seq: last.seq }) : null,
    };
  } finally {
    userKey.fill(0);
  }
}

/**
 * Streams the person's whole history as CSV (UTF-8 with a byte order mark,
 * French column names), newest first, read in batches. The read is recorded
 * before the first byte, in a transaction of its own.
 */
export async function streamAccessHistoryCsv(ctx: AppContext, actor: PersonActor, locale: Locale, res: Response): Promise<void> {
  await authorizeHistory(ctx, actor);
  await ctx.db.transaction().execute((trx) => appendHistoryAudit(trx, actor, 'allow', null));

  // attachment() sets a type from the file name's extension, so the type comes after it.
  res
    .status(200)
    .attachment('historique-des-acces.csv')
    .type('text/csv; charset=utf-8')
    .set('Cache-Control', 'no-store');

  const userKey = await loadUserKey(ctx.db, ctx.keys, actor.accountId);
  try {
    if (!(await writeChunk(res, UTF8_BOM + csvRow([...HISTORY_CSV_COLUMNS])))) return;
    let before: LogPosition | undefined;
    for (;;) {
      const records = await listHistoryRecords(ctx.db, actor.accountId, CSV_BATCH_SIZE, before);
      const items = await buildHistoryItems(records, userKey, locale);
      if (items.length > 0 && !(await writeChunk(res, items.map((item) => csvLine(item, locale)).join('')))) return;
      if (records.length < CSV_BATCH_SIZE) break;
      const last = records[records.length - 1]!;
      before = { time: last.time, chain: last.chain, seq: last.seq };
    }
  } finally {
    userKey.fill(0);
  }
  if (!res.destroyed) res.end();
}

async function authorizeHistory(ctx: AppContext, actor: PersonActor): Promise<void> {
  const decision = decideOwnerDocumentCollectionAccess({ actor: { accountId: actor.accountId, roles: actor.roles } });
  if (decision.effect === 'allow') return;
  try {
    await ctx.db.transaction().execute((trx) => appendHistoryAudit(trx, actor, 'deny', decision.reason));
  } catch (error) {
    if (error instanceof AppError) throw error;
    throw new AppError('audit_unavailable', {}, { cause: error });
  }
  throw denialError(decision);
}

/** Appends an `access_history.read` decision inside `trx`; a failure becomes `audit_unavailable` (503). */
async function appendHistoryAudit(trx: Transaction<Database>, actor: PersonActor, outcome: 'allow' | 'deny', reason: string | null): Promise<void> {
  await recordAuditEvent(trx, {
    actorType: actor.audit.type,
    actorId: actor.accountId,
    subjectId: actor.accountId,
    action: 'access_history.read',
    resourceType: 'access_history',
    resourceId: null,
    outcome,
    reason,
    requestId: actor.requestId,
    sourceAddress: actor.sourceAddress,
  });
}

/** Formats one history item as a row of `HISTORY_CSV_COLUMNS`; the vault's export reuses it. */
export function csvLine(item: HistoryItem, locale: Locale): string {
  const deletedTitle = locale === 'fr' ? 'Document supprimé' : 'Deleted document';
  const outcome = OUTCOME_LABELS[item.outcome][locale];
  return csvRow([
    item.time,
    item.label,
    item.partner?.name ?? null,
    item.purposeLabel,
    item.document === null ? null : (item.document.title ?? deletedTitle),
    item.document?.id ?? null,
    outcome,
    item.reasonLabel,
    item.grantId,
  ]);
}
