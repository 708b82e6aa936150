import { sql, type Transaction } from 'kysely';

import { AUDIT_CHAIN_COUNT } from '../../audit/chains.js';
import { listAccessRequestsOfPerson } from '../access-requests/access-request.repository.js';
import type { StoredAccessRequest } from '../access-requests/access-request.types.js';
import { recordAuditEvent } from '../audit/record-audit-event.js';
import type { AppContext } from '../context.js';
import type { Database } from '../db/schema.js';
import type { LogPosition } from '../dpo/audit-query.js';
import type { StoredDocument } from '../documents/document.types.js';
import { listGrantsOfPerson } from '../grants/grant.repository.js';
import type { StoredGrant } from '../grants/grant.types.js';
import { allowed, denialError, denied, settle } from '../grants/decision-outcome.js';
import { decidePersonSharing, type PersonActor } from '../grants/person-actor.js';
import { listDocumentsForExport } from './export.repository.js';

/** Rows per page when reading a person's grants and access requests. */
const PAGE_SIZE = 200;

/** Rows of one export, read in one transaction before its first byte is sent. */
export interface ExportSnapshot {
  exportedAt: Date;
  /** Oldest first, so that the first of two documents with the same name keeps it. */
  documents: StoredDocument[];
  grants: StoredGrant[];
  accessRequests: StoredAccessRequest[];
  /** Access history entries before this position belong to the export; later ones do not. */
  historyBefore: LogPosition;
}

/**
 * Decides and records an export of the person's whole vault, then returns
 * the rows to write. Staff sessions are denied (`role_not_allowed`, 403),
 * because the archive contains documents. The `account.export` entry, allowed
 * or denied, commits before this returns, so no byte of the archive leaves
 * the server without its record. It holds ids only.
 */
export async function takeExportSnapshot(ctx: AppContext, actor: PersonActor): Promise<ExportSnapshot> {
  const outcome = await ctx.db.transaction().execute(async (trx) => {
    const standing = decidePersonSharing(actor);
    if (standing.effect === 'deny') {
      await appendExportAudit(trx, actor, 'deny', standing.reason);
      return denied<ExportSnapshot>(denialError(standing.reason));
    }

    const documents = await listDocumentsForExport(trx, actor.accountId);
    const grants = await readAllPages((after) => listGrantsOfPerson(trx, actor.accountId, { limit: PAGE_SIZE, after }));
    const accessRequests = await readAllPages((after) => listAccessRequestsOfPerson(trx, actor.accountId, { limit: PAGE_SIZE, after }));
    const historyBefore = await positionAfterLog(trx);
    await appendExportAudit(trx, actor, 'allow', null);
    return allowed({ exportedAt: new Date(), documents, grants, accessRequests, historyBefore });
  });
  return settle(outcome);
}

// The repositories read one more row than `limit` to tell whether a page follows.
async function readAllPages<Row extends { createdAt: Date; id: string }>(
  readPage: (after: { createdAt: Date; id: string } | undefined) => Promise<Row[]>,
): Promise<Row[]> {
  const rows: Row[] = [];
  let after: { createdAt: Date; id: string } | undefined;
  for (;;) {
    const page = await readPage(after);
    rows.push(...page.slice(0, PAGE_SIZE));
    if (page.length <= PAGE_SIZE) return rows;
    const last = page[PAGE_SIZE - 1]!;
    after = { createdAt: last.createdAt, id: last.id };
  }
}

// A position after every entry stored now: the latest time, past the last
// chain. Entries are ordered by (time, chain, seq), so all of them come before.
async function positionAfterLog(trx: Transaction<Database>): Promise<LogPosition> {
  const { rows } = await sql<{ time: Date | null }>`select max(time) as time from audit_events`.execute(trx);
  return { time: rows[0]?.time ?? new Date(0), chain: AUDIT_CHAIN_COUNT, seq: 1 };
}

async function appendExportAudit(trx: Transaction<Database>, actor: PersonActor, outcome: 'allow' | 'deny', reason: string | null): Promise<void> {
  await recordAuditEvent(trx, {
    actorType: actor.audit.type,
    actorId: actor.accountId,
    subjectId: actor.accountId,
    action: 'account.export',
    resourceType: 'account',
    resourceId: actor.accountId,
    outcome,
    reason,
    requestId: actor.requestId,
    sourceAddress: actor.sourceAddress,
  });
}
