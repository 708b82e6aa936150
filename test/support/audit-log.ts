import { randomUUID } from 'node:crypto';

import { sql, type Kysely, type Transaction } from 'kysely';

import { appendAuditEvent } from '../../audit/append.js';

/**
 * Empties the audit log as the database owner: entries, checkpoints and the
 * chain heads, which go back to seq 0 and the genesis hash. Tests that
 * start each case from an empty log call it; the append-only triggers are
 * disabled for the deletes only.
 */
export async function resetAuditLog(db: Kysely<any> | Transaction<any>, options: { signingKeys?: boolean } = {}): Promise<void> {
  const reset = async (trx: Transaction<any>) => {
    await sql`alter table audit_events disable trigger user`.execute(trx);
    await sql`alter table audit_checkpoints disable trigger user`.execute(trx);
    await trx.deleteFrom('audit_checkpoints').execute();
    await trx.deleteFrom('audit_events').execute();
    if (options.signingKeys === true) await trx.deleteFrom('audit_signing_keys').execute();
    await sql`update audit_chain_heads set seq = 0, hash = ${Buffer.alloc(32)}, time = null`.execute(trx);
    await sql`alter table audit_events enable trigger user`.execute(trx);
    await sql`alter table audit_checkpoints enable trigger user`.execute(trx);
  };
  if (db.isTransaction) await reset(db as Transaction<any>);
  else await db.transaction().execute(reset);
}

/**
 * Appends `count` allowed document reads about `subjectId`, each by a new
 * actor in a transaction of its own, as routes append them. All go to the
 * subject's chain.
 */
export async function appendDocumentReads(db: Kysely<any>, subjectId: string, count: number): Promise<void> {
  for (let index = 0; index < count; index++) {
    await db.transaction().execute((trx) =>
      appendAuditEvent(trx, {
        actorType: 'person', actorId: randomUUID(), subjectId, action: 'document.read',
        resourceType: 'document', resourceId: randomUUID(), outcome: 'allow', reason: null,
        requestId: randomUUID(), sourceAddress: '127.0.0.1',
      }),
    );
  }
}
