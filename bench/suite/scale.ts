import { readFileSync } from 'node:fs';
import path from 'node:path';

import { sql, type Kysely } from 'kysely';

import { signIn, type SignedIn } from '../../demo/sign-in-flow.js';
import { openDatabase } from '../../server/db/pool.js';
import { explainKeyQueries, timeKeyQueries, type ExplainIds } from '../scale/explain-queries.js';
import { addDocuments, addGrants, createGeneratedPartners, vacuumGeneratedTables } from '../scale/generate-rows.js';
import { onCleanup } from '../support/cleanup.js';
import { slicesOf, uploadDocument } from '../support/http-transfer.js';
import { bearerHeader, shareWithPartner, type PartnerAccess } from '../support/partner-grant.js';
import { targetTable, type BenchSection, type TargetRow } from '../support/report-file.js';
import { formatNumber, formatSpread, quantile, spreadOf, type Spread } from '../support/stats.js';
import { startVaultProcess, type VaultProcess } from '../support/vault-process.js';
import { ensureWrk, runWrk, type WrkResult } from '../support/wrk.js';

// The query path at 10 thousand and at 1 million documents and grants. A
// person lists their documents, and a partner reads a document through its
// grant, both through the real HTTP routes, one request at a time (wrk, one
// connection). The measured person has real documents uploaded through the
// API, and everyone else is generated in SQL (bench/scale/generate-rows.ts).
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
// Executions of the key queries alone per run and size.
const QUERY_ITERATIONS = 1000;

interface SizeResult {
  size: number;
  generationSeconds: number;
  listP50Ms: Spread;
  listP99Ms: Spread;
  readP50Ms: Spread;
  readP99Ms: Spread;
  queryListP99Ms: Spread;
  queryDecisionP99Ms: Spread;
  plans: string;
}

/** A vault and its own database filled to one size, with the measured person's session and grant. */
interface World {
  size: number;
  vault: VaultProcess;
  admin: Kysely<any>;
  session: SignedIn;
  access: PartnerAccess;
  documentId: string;
  listUrl: string;
  readUrl: string;
  generationSeconds: number;
  /** Closes the database connection, stops the vault and drops its database. */
  close(): Promise<void>;
}

/**
 * Fills one database per size, each behind a vault of its own, then measures
 * the sizes in alternation, so that a change in the machine's load touches
 * both sides of the ratio.
 */
export async function runScaleBench(): Promise<BenchSection> {
  if (!Number.isFinite(SECONDS) || SECONDS <= 0 || SECONDS > 60) {
    throw new Error(`invalid BENCH_SCALE_SECONDS "${process.env.BENCH_SCALE_SECONDS}"; set 1 to 60 seconds`);
  }
  ensureWrk();

  const worlds: World[] = [];
  for (const size of SIZES) worlds.push(await openWorld(size));

  for (const world of worlds) {
    // Warm-up, not counted.
    await runWrk({ url: world.listUrl, connections: 1, seconds: 2, headers: { Cookie: world.session.cookie } });
    await runWrk({ url: world.readUrl, connections: 1, seconds: 2, headers: await bearerHeader(world.vault, world.access) });
  }

  const list = new Map<World, WrkResult[]>(worlds.map((world) => [world, []]));
  const read = new Map<World, WrkResult[]>(worlds.map((world) => [world, []]));
  for (let run = 0; run < RUNS; run++) {
    for (const world of worlds) {
      list.get(world)!.push(await runWrk({ url: world.listUrl, connections: 1, seconds: SECONDS, headers: { Cookie: world.session.cookie } }));
      read.get(world)!.push(await runWrk({ url: world.readUrl, connections: 1, seconds: SECONDS, headers: await bearerHeader(world.vault, world.access) }));
    }
  }

  const queryList = new Map<World, number[]>(worlds.map((world) => [world, []]));
  const queryDecision = new Map<World, number[]>(worlds.map((world) => [world, []]));
  for (let run = 0; run < RUNS; run++) {
    for (const world of worlds) {
      const times = await timeKeyQueries(world.admin, explainIds(world), QUERY_ITERATIONS);
      queryList.get(world)!.push(quantile(times.listMs, 0.99));
      queryDecision.get(world)!.push(quantile(times.decisionMs, 0.99));
    }
  }

  const results: SizeResult[] = [];
  for (const world of worlds) {
    const runs = [...list.get(world)!, ...read.get(world)!];
    const failures = runs.reduce((sum, result) => sum + result.socketErrors + result.non2xx, 0);
    if (failures > 0) throw new Error(`${failures} requests failed or returned a status other than 2xx at ${world.size} rows`);
    results.push({
      size: world.size,
      generationSeconds: world.generationSeconds,
      listP50Ms: spreadOf(list.get(world)!.map((result) => result.latencyP50Ms)),
      listP99Ms: spreadOf(list.get(world)!.map((result) => result.latencyP99Ms)),
      readP50Ms: spreadOf(read.get(world)!.map((result) => result.latencyP50Ms)),
      readP99Ms: spreadOf(read.get(world)!.map((result) => result.latencyP99Ms)),
      queryListP99Ms: spreadOf(queryList.get(world)!),
      queryDecisionP99Ms: spreadOf(queryDecision.get(world)!),
      plans: await explainKeyQueries(world.admin, explainIds(world)),
    });
  }
  const largest = worlds[worlds.length - 1]!;
  const sizes = await tableSizes(largest.admin);
  for (const world of worlds) await world.close();
  return report(results, sizes);
}

function explainIds(world: World): ExplainIds {
  // 51: the list route's default page of 50, plus one to know whether a page follows.
  return { personId: world.session.accountId, grantId: world.access.grantId, documentId: world.documentId, pageRows: 51 };
}

/**
 * Starts a vault on a database of its own, uploads the measured person's
 * documents and grant through the API, then generates the other rows up to
 * `size` documents and `size` grants. The vault and the database are
 * registered for cleanup; the caller stops them after measuring.
 */
async function openWorld(size: number): Promise<World> {
  const vault = await startVaultProcess();
  if (!vault.databaseUrl) {
    await vault.stop();
    throw new Error('the scale benchmark needs DATABASE_URL; bench/run.ts sets it before starting a vault');
  }
  // Superuser connection to the vault's database, for generating rows and EXPLAIN.
  const { db: admin } = openDatabase({ url: vault.databaseUrl, max: 2, connectTimeoutMs: 5000, statementTimeoutMs: 600_000, applicationName: 'coffre-bench' });
  // Stopping the vault drops its database, which also ends a generation still running on `admin`;
  // destroying `admin` first would wait for that statement to finish.
  const close = onCleanup(async () => {
    await vault.stop();
    await admin.destroy().catch(() => undefined);
  });

  const session = await signIn(vault, 'camille');
  const specimen = readFileSync(path.resolve('test/fixtures/notification-rqth.pdf'));
  const documentIds: string[] = [];
  for (let count = 0; count < PERSON_DOCUMENTS; count++) documentIds.push(await uploadDocument(vault.url, session, specimen.length, slicesOf(specimen)));
  const access = await shareWithPartner(vault, session, { categories: ['other'] });

  const generationStart = performance.now();
  await createGeneratedPartners(admin, access.partnerId);
  await addDocuments(admin, size - PERSON_DOCUMENTS);
  await addGrants(admin, size - 1);
  await vacuumGeneratedTables(admin);
  const generationSeconds = (performance.now() - generationStart) / 1000;
  await checkCounts(admin, size);

  return {
    size,
    vault,
    admin,
    session,
    access,
    documentId: documentIds[0]!,
    listUrl: `${vault.url}/api/v1/documents`,
    readUrl: `${vault.url}/partner/v1/grants/${access.grantId}/documents/${documentIds[0]}/content`,
    generationSeconds,
    close,
  };
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
  const table = [
    '| documents and grants | generation s | list p50 ms | list p99 ms | partner read p50 ms | partner read p99 ms | list query p99 ms | decision queries p99 ms |',
    '|---|---|---|---|---|---|---|---|',
  ];
  for (const result of results) {
    table.push(
      `| ${formatNumber(result.size, 0)} | ${formatNumber(result.generationSeconds, 0)} | ${formatSpread(result.listP50Ms, 2)} | ${formatSpread(result.listP99Ms, 2)} | ` +
        `${formatSpread(result.readP50Ms, 2)} | ${formatSpread(result.readP99Ms, 2)} | ${formatSpread(result.queryListP99Ms, 3)} | ${formatSpread(result.queryDecisionP99Ms, 3)} |`,
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
    'of which the measured one receives about 27 % of the grants and the top 20 about 56 %; 70 % of the grants ended,',
    '10 % revoked. Each size has its own database and vault process, `VACUUM (ANALYZE)` runs after generation,',
    'and the runs alternate between the sizes, so a change in the machine\'s load touches both.',
    '',
    `Latency through the real HTTP routes, one request at a time: wrk with one connection, ${RUNS} runs of ${SECONDS} s`,
    'per route and size, median (min–max) of the runs\' percentiles. The list is `GET /api/v1/documents` (first',
    'page, session cookie). The partner read is the full `GET /partner/v1/grants/{grantId}/documents/{documentId}/content`',
    'of one 23 KB document: the decision (token, partner, grant, document, policy, audit entry) plus the',
    'decryption and the transfer, which do not depend on the number of rows. The last two columns time the key',
    `queries alone (below), ${QUERY_ITERATIONS} times per run on one superuser connection in the benchmark process: the list`,
    'query, and the two reads of the decision (grant with its documents and categories, then document) together.',
    '',
    table.join('\n'),
    '',
    targetTable(targets),
    '',
    `Key queries alone, p99 at 1 million over p99 at 10 thousand: list ${formatNumber(large.queryListP99Ms.median / small.queryListP99Ms.median, 2)}, ` +
      `decision ${formatNumber(large.queryDecisionP99Ms.median / small.queryDecisionP99Ms.median, 2)}. Sizes at 1 million: ${sizes}.`,
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
