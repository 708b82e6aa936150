import { readFileSync } from 'node:fs';
import path from 'node:path';

import { sql, type Kysely } from 'kysely';

import { signIn } from '../../demo/sign-in-flow.js';
import { openDatabase } from '../../server/db/pool.js';
import { explainKeyQueries } from '../scale/explain-queries.js';
import { addDocuments, addGrants, createGeneratedPartners, vacuumGeneratedTables } from '../scale/generate-rows.js';
import { onCleanup } from '../support/cleanup.js';
import { slicesOf, uploadDocument } from '../support/http-transfer.js';
import { bearerHeader, shareWithPartner } from '../support/partner-grant.js';
import { targetTable, type BenchSection, type TargetRow } from '../support/report-file.js';
import { formatNumber, formatSpread, spreadOf, type Spread } from '../support/stats.js';
import { startVaultProcess } from '../support/vault-process.js';
import { ensureWrk, runWrk } from '../support/wrk.js';

// The query path at 10 thousand and at 1 million documents and grants: a
// person lists their documents, and a partner reads a document through its
// grant, both through the real HTTP routes, one request at a time (wrk, one
// connection). The measured person has real documents uploaded through the
// API; everyone else is generated in SQL (bench/scale/generate-rows.ts).
// The figure that must hold is the p99 at 1 million over the p99 at 10 thousand.
//
// Settings (environment):
//   BENCH_SCALE_SECONDS  duration of each wrk run, in seconds (default 5)

const SIZES = [10_000, 1_000_000];
const RUNS = 3;
const SECONDS = Number(process.env.BENCH_SCALE_SECONDS ?? 5);
// A realistic person: 20 documents, below the list's first page of 50.
const PERSON_DOCUMENTS = 20;
const TARGET_P99_GROWTH = 2;

interface SizeResult {
  size: number;
  generationSeconds: number;
  listP50Ms: Spread;
  listP99Ms: Spread;
  readP50Ms: Spread;
  readP99Ms: Spread;
  plans: string;
}

/** Generates each size in turn in the vault's own database, then measures and explains at that size. */
export async function runScaleBench(): Promise<BenchSection> {
  if (!Number.isFinite(SECONDS) || SECONDS <= 0 || SECONDS > 60) {
    throw new Error(`invalid BENCH_SCALE_SECONDS "${process.env.BENCH_SCALE_SECONDS}"; set 1 to 60 seconds`);
  }
  ensureWrk();

  const vault = await startVaultProcess();
  const stopVault = onCleanup(() => vault.stop());
  if (!vault.databaseUrl) throw new Error('the scale benchmark needs DATABASE_URL; bench/run.ts sets it before starting a vault');
  // Superuser connection to the vault's database, for generating rows and EXPLAIN.
  const admin = openDatabase({ url: vault.databaseUrl, max: 2, connectTimeoutMs: 5000, statementTimeoutMs: 600_000, applicationName: 'coffre-bench' });
  const closeAdmin = onCleanup(() => admin.db.destroy());
  try {
    const session = await signIn(vault, 'camille');
    const specimen = readFileSync(path.resolve('test/fixtures/notification-rqth.pdf'));
    const documentIds: string[] = [];
    for (let count = 0; count < PERSON_DOCUMENTS; count++) documentIds.push(await uploadDocument(vault.url, session, specimen.length, slicesOf(specimen)));
    const access = await shareWithPartner(vault, session, { categories: ['other'] });
    const readUrl = `${vault.url}/partner/v1/grants/${access.grantId}/documents/${documentIds[0]}/content`;
    const listUrl = `${vault.url}/api/v1/documents`;
    await createGeneratedPartners(admin.db, access.partnerId);

    const results: SizeResult[] = [];
    let documents = PERSON_DOCUMENTS;
    let grants = 1;
    for (const size of SIZES) {
      const generationStart = performance.now();
      await addDocuments(admin.db, size - documents);
      await addGrants(admin.db, size - grants);
      await vacuumGeneratedTables(admin.db);
      documents = size;
      grants = size;
      const generationSeconds = (performance.now() - generationStart) / 1000;
      await checkCounts(admin.db, size);

      // Warm-up at this size, not counted.
      await runWrk({ url: listUrl, connections: 1, seconds: 2, headers: { Cookie: session.cookie } });
      await runWrk({ url: readUrl, connections: 1, seconds: 2, headers: await bearerHeader(vault, access) });

      const list = [];
      const read = [];
      for (let run = 0; run < RUNS; run++) {
        list.push(await runWrk({ url: listUrl, connections: 1, seconds: SECONDS, headers: { Cookie: session.cookie } }));
        read.push(await runWrk({ url: readUrl, connections: 1, seconds: SECONDS, headers: await bearerHeader(vault, access) }));
      }
      const failures = [...list, ...read].reduce((sum, result) => sum + result.socketErrors + result.non2xx, 0);
      if (failures > 0) throw new Error(`${failures} requests failed or returned a status other than 2xx at ${size} rows`);

      const plans = await explainKeyQueries(admin.db, { personId: session.accountId, grantId: access.grantId, documentId: documentIds[0]!, pageRows: 51 });
      results.push({
        size,
        generationSeconds,
        listP50Ms: spreadOf(list.map((result) => result.latencyP50Ms)),
        listP99Ms: spreadOf(list.map((result) => result.latencyP99Ms)),
        readP50Ms: spreadOf(read.map((result) => result.latencyP50Ms)),
        readP99Ms: spreadOf(read.map((result) => result.latencyP99Ms)),
        plans,
      });
    }
    return report(results, await tableSizes(admin.db));
  } finally {
    await closeAdmin();
    await stopVault();
  }
}

async function checkCounts(db: Kysely<any>, size: number): Promise<void> {
  const { rows } = await sql<{ documents: number; grants: number }>`select (select count(*) from documents) as documents, (select count(*) from grants) as grants`.execute(db);
  const counts = rows[0]!;
  if (counts.documents !== size || counts.grants !== size) {
    throw new Error(`generation left ${counts.documents} documents and ${counts.grants} grants instead of ${size} each`);
  }
}

async function tableSizes(db: Kysely<any>): Promise<string> {
  const { rows } = await sql<{ name: string; size: string }>`
    select relname as name, pg_size_pretty(pg_total_relation_size(oid)) as size
    from pg_class where relname in ('documents', 'grants', 'grant_categories', 'accounts') order by relname`.execute(db);
  return rows.map((row) => `\`${row.name}\` ${row.size}`).join(', ');
}

function report(results: SizeResult[], sizes: string): BenchSection {
  const table = ['| documents and grants | generation s | list p50 ms | list p99 ms | partner read p50 ms | partner read p99 ms |', '|---|---|---|---|---|---|'];
  for (const result of results) {
    table.push(
      `| ${formatNumber(result.size, 0)} | ${formatNumber(result.generationSeconds, 0)} | ${formatSpread(result.listP50Ms, 2)} | ${formatSpread(result.listP99Ms, 2)} | ` +
        `${formatSpread(result.readP50Ms, 2)} | ${formatSpread(result.readP99Ms, 2)} |`,
    );
  }
  const [small, large] = results as [SizeResult, SizeResult];
  const listGrowth = large.listP99Ms.median / small.listP99Ms.median;
  const readGrowth = large.readP99Ms.median / small.readP99Ms.median;
  const targets: TargetRow[] = [
    { figure: 'scale: document list p99, 1M / 10k', value: formatNumber(listGrowth, 2), target: `≤ ${TARGET_P99_GROWTH}`, met: listGrowth <= TARGET_P99_GROWTH },
    { figure: 'scale: partner-read p99, 1M / 10k', value: formatNumber(readGrowth, 2), target: `≤ ${TARGET_P99_GROWTH}`, met: readGrowth <= TARGET_P99_GROWTH },
  ];

  const markdown = [
    `The measured person (a development account) uploads ${PERSON_DOCUMENTS} copies of a 23 KB specimen through the API and`,
    'shares their category with the development partner Cap emploi de Nulle-Part. The other rows are generated in',
    'SQL with dummy keys, headers and sealed metadata and no content, because only the query path is measured:',
    'about 58,000 people at 1 million, 90 % of them with 5 to 30 documents and the rest with 1 to 4; 200 partners,',
    'of which the measured one holds about 27 % of the grants and the top 20 about 56 %; 70 % of the grants ended,',
    '10 % revoked. The 1 million rows are added to the 10 thousand, then `VACUUM (ANALYZE)` runs at each size.',
    '',
    `Latency through the real HTTP routes, one request at a time: wrk with one connection, ${RUNS} runs of ${SECONDS} s`,
    'per route and size, median (min–max) of the runs\' percentiles. The list is `GET /api/v1/documents` (first',
    'page, session cookie). The partner read is the full `GET /partner/v1/grants/{grantId}/documents/{documentId}/content`',
    'of one 23 KB document: the decision (token, partner, grant, document, policy, audit entry) plus the',
    'decryption and the transfer, which do not depend on the number of rows.',
    '',
    table.join('\n'),
    '',
    targetTable(targets),
    '',
    `Sizes at 1 million: ${sizes}.`,
    '',
    '### Plans at 1 million rows',
    '',
    large.plans,
    '',
    '### Plans at 10 thousand rows',
    '',
    small.plans,
  ].join('\n');
  return { name: 'scale', markdown, targets };
}
