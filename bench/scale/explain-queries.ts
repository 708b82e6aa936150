import { sql, type Kysely, type RawBuilder } from 'kysely';

// The key queries of the two measured routes, written out by hand so that
// EXPLAIN can show their plans. They must follow the repositories:
// listOwnedDocuments (server/documents/document.repository.ts) for the list,
// and findGrant (server/grants/grant.repository.ts) and findDocument for the
// partner-read decision. The partner row is read by primary key.

/** The ids a plan is shown for: the measured person, grant and document. */
export interface ExplainIds {
  personId: string;
  grantId: string;
  documentId: string;
  /** Page size the list route asks for: its default of 50, plus one to know whether a page follows. */
  pageRows: number;
}

/** The key queries with the measured ids, labelled; the list first, then the two reads of a partner-read decision. */
export function keyQueries(ids: ExplainIds): Array<{ label: string; query: RawBuilder<unknown> }> {
  return [
    {
      label: 'document list (`GET /api/v1/documents`, first page)',
      query: sql`select * from documents where owner_id = ${ids.personId} order by created_at desc, id desc limit ${ids.pageRows}`,
    },
    {
      label: 'grant of a partner read (`findGrant`)',
      query: sql`select grants.*,
  coalesce((select array_agg(gd.document_id::text order by gd.document_id) from grant_documents gd where gd.grant_id = grants.id), '{}') as document_ids,
  coalesce((select array_agg(gc.category order by gc.category) from grant_categories gc where gc.grant_id = grants.id), '{}') as categories
from grants where grants.id = ${ids.grantId}`,
    },
    {
      label: 'document of a partner read (`findDocument`)',
      query: sql`select * from documents where id = ${ids.documentId}`,
    },
  ];
}

/**
 * Times the key queries alone, one at a time on one connection, and returns
 * the latencies in milliseconds of the list query and of the decision's two
 * reads together. Without HTTP, sessions and audit commits, these show what
 * the number of rows changes.
 */
export async function timeKeyQueries(db: Kysely<any>, ids: ExplainIds, iterations: number): Promise<{ listMs: number[]; decisionMs: number[] }> {
  const [list, grant, document] = keyQueries(ids).map((entry) => entry.query) as [RawBuilder<unknown>, RawBuilder<unknown>, RawBuilder<unknown>];
  const listMs: number[] = [];
  const decisionMs: number[] = [];
  for (let iteration = 0; iteration < iterations; iteration++) {
    let start = performance.now();
    await list.execute(db);
    listMs.push(performance.now() - start);

    start = performance.now();
    await grant.execute(db);
    await document.execute(db);
    decisionMs.push(performance.now() - start);
  }
  return { listMs, decisionMs };
}

/** Runs `EXPLAIN (ANALYZE, BUFFERS)` on each key query and returns the plans as Markdown. */
export async function explainKeyQueries(db: Kysely<any>, ids: ExplainIds): Promise<string> {
  const parts: string[] = [];
  for (const { label, query } of keyQueries(ids)) {
    const result = await sql<{ 'QUERY PLAN': string }>`explain (analyze, buffers) ${query}`.execute(db);
    parts.push(`${label}:\n\n\`\`\`text\n${result.rows.map((row) => row['QUERY PLAN']).join('\n')}\n\`\`\``);
  }
  return parts.join('\n\n');
}
