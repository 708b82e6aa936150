import type { AppContext } from '../context.js';
import type { Locale } from '../i18n/locale.js';
import { actionLabel, reasonLabel } from './audit-labels.js';
import { searchAuditEvents, type AuditEventRecord } from './audit-event.repository.js';
import { encodePositionCursor, type JournalQuery } from './audit-query.js';
import { appendStaffAudit, type StaffActor } from './staff-access.js';

/**
 * One entry of the DPO's journal. Built field by field from the entry's
 * ids and codes: entries hold no title, file name or content, so none can
 * reach the DPO.
 */
export interface JournalItem {
  /** Chain of the entry; its seq counts within that chain. */
  chain: number;
  seq: number;
  time: string;
  actorType: string;
  actorId: string | null;
  subjectId: string | null;
  action: string;
  actionLabel: string;
  resourceType: string | null;
  resourceId: string | null;
  outcome: 'allow' | 'deny';
  reason: string | null;
  reasonLabel: string | null;
  partnerId: string | null;
  grantId: string | null;
  requestId: string | null;
}

/** One page of the journal; `nextCursor` is null on the last page. */
export interface JournalPage {
  items: JournalItem[];
  nextCursor: string | null;
}

/**
 * Searches the audit log, newest first, and records the search as an
 * `audit.search` entry appended after the query in the same transaction,
 * so the search never lists its own entry and never runs unrecorded.
 */
export async function searchAuditJournal(ctx: AppContext, actor: StaffActor, query: JournalQuery, locale: Locale): Promise<JournalPage> {
  const rows = await ctx.db.transaction().execute(async (trx) => {
    const found = await searchAuditEvents(trx, query.filters, query.limit + 1, query.before);
    await appendStaffAudit(trx, actor, {
      action: 'audit.search',
      outcome: 'allow',
      reason: null,
      subjectId: query.filters.personId ?? null,
      partnerId: query.filters.partnerId ?? null,
    });
    return found;
  });

  const page = rows.slice(0, query.limit);
  const last = page[page.length - 1];
  return {
    items: page.map((row) => journalItem(row, locale)),
    nextCursor: rows.length > query.limit && last ? encodePositionCursor({ time: last.time, chain: last.chain, seq: last.seq }) : null,
  };
}

function journalItem(row: AuditEventRecord, locale: Locale): JournalItem {
  return {
    chain: row.chain,
    seq: row.seq,
    time: row.time.toISOString(),
    actorType: row.actorType,
    actorId: row.actorId,
    subjectId: row.subjectId,
    action: row.action,
    actionLabel: actionLabel(row.action, locale),
    resourceType: row.resourceType,
    resourceId: row.resourceId,
    outcome: row.outcome,
    reason: row.reason,
    reasonLabel: reasonLabel(row.reason, locale),
    partnerId: row.partnerId,
    grantId: row.grantId,
    requestId: row.requestId,
  };
}
