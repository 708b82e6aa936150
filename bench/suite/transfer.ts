import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';

import { sql, type Kysely } from 'kysely';

import { signIn } from '../../demo/sign-in-flow.js';
import { openDatabase } from '../../server/db/pool.js';
import { onCleanup } from '../support/cleanup.js';
import { compareAgainst, downloadDocument, generatedPdf, slicesOf, uploadDocument, type PersonSession } from '../support/http-transfer.js';
import { targetTable, type BenchSection, type TargetRow } from '../support/report-file.js';
import { formatNumber, formatSpread, spreadOf, type Spread } from '../support/stats.js';
import { startVaultProcess, type VaultProcess } from '../support/vault-process.js';

// Upload then download through the HTTP API, against the ceiling of the same
// bytes written to and read from PostgreSQL in 64 KiB chunks through the
// vault's pool factory, without HTTP or encryption. The vault runs as a child
// process, as in `npm run bench:memory`, so its resident memory is its own.

const MIB = 1024 * 1024;
const CHUNK_SIZE = 64 * 1024;
// The vault inserts and reads 16 chunks per statement; the ceiling does the same.
const CHUNKS_PER_STATEMENT = 16;
const TARGET_RATIO = 0.7;
const TARGET_GROWTH_MIB = 64;
const SAMPLE_INTERVAL_MS = 20;

interface Specimen {
  label: string;
  bytes: Buffer;
  runs: number;
  measureMemory: boolean;
}

interface RunResult {
  uploadMBps: number;
  downloadMBps: number;
  ceilingWriteMBps: number;
  ceilingReadMBps: number;
  growthMiB: number | null;
}

/** Measures the 6 MB specimen bundle and a generated 200 MiB file, each several times. */
export async function runTransferBench(): Promise<BenchSection> {
  const specimens: Specimen[] = [
    // The 200 MiB file goes first, so its memory baseline is the vault's RSS before any transfer.
    { label: 'generated 200 MiB PDF', bytes: generatedPdf(200 * MIB), runs: 3, measureMemory: true },
    { label: '6.2 MB specimen bundle (`dossier-mdph-complet.pdf`)', bytes: readFileSync(path.resolve('test/fixtures/dossier-mdph-complet.pdf')), runs: 5, measureMemory: false },
  ];

  const vault = await startVaultProcess({ COFFRE_MAX_UPLOAD_BYTES: String(200 * MIB + MIB) });
  const stopVault = onCleanup(() => vault.stop());
  if (!vault.databaseUrl) throw new Error('the transfer benchmark needs DATABASE_URL; bench/run.ts sets it before starting a vault');
  const ceiling = openDatabase({ url: vault.databaseUrl, max: 10, connectTimeoutMs: 5000, applicationName: 'coffre-bench' });
  const closeCeiling = onCleanup(() => ceiling.db.destroy());
  try {
    const session = await signIn(vault, 'camille');
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const idleRss = vault.rss();
    // Same columns, primary key and storage as document_chunks, without the foreign key to documents.
    await sql`create table bench_chunks (like document_chunks including all)`.execute(ceiling.db);

    const results = new Map<Specimen, RunResult[]>();
    for (const specimen of specimens) {
      const runs: RunResult[] = [];
      for (let run = 0; run < specimen.runs; run++) runs.push(await measureOnce(vault, session, ceiling.db, specimen, idleRss));
      results.set(specimen, runs);
    }
    return report(specimens, results);
  } finally {
    await closeCeiling();
    await stopVault();
  }
}

/**
 * Uploads, downloads and deletes the file once, then runs the ceiling on the
 * same bytes. The memory growth counts from `idleRss`, the vault's RSS after
 * sign-in and before any transfer, so garbage left by an earlier run counts
 * against the later one rather than hiding in its baseline.
 */
async function measureOnce(vault: VaultProcess, session: PersonSession, db: Kysely<any>, specimen: Specimen, idleRss: number): Promise<RunResult> {
  const megabytes = specimen.bytes.length / 1e6;
  let peak = vault.rss();
  const peakReset = specimen.measureMemory && vault.resetPeakRss();
  const sampler = specimen.measureMemory ? setInterval(() => (peak = Math.max(peak, vault.rss())), SAMPLE_INTERVAL_MS) : null;

  const uploadStart = performance.now();
  const id = await uploadDocument(vault.url, session, specimen.bytes.length, slicesOf(specimen.bytes));
  const uploadSeconds = (performance.now() - uploadStart) / 1000;

  const received = compareAgainst(specimen.bytes);
  const downloadStart = performance.now();
  await downloadDocument(vault.url, session, id, received.onData);
  const downloadSeconds = (performance.now() - downloadStart) / 1000;

  if (sampler) clearInterval(sampler);
  // VmHWM counts from the reset. Without a reset it may contain an earlier run's peak, so only the samples count.
  if (peakReset) peak = Math.max(peak, vault.peakRss());
  if (!received.matches()) throw new Error(`the downloaded ${specimen.label} differs from the uploaded bytes`);
  await deleteDocument(vault.url, session, id);

  const ceiling = await measureCeiling(db, specimen.bytes);
  return {
    uploadMBps: megabytes / uploadSeconds,
    downloadMBps: megabytes / downloadSeconds,
    ceilingWriteMBps: megabytes / ceiling.writeSeconds,
    ceilingReadMBps: megabytes / ceiling.readSeconds,
    growthMiB: specimen.measureMemory ? (peak - idleRss) / MIB : null,
  };
}

/**
 * Writes the bytes into bench_chunks in one transaction, 16 chunks per
 * INSERT, then reads them back 16 chunks per SELECT, as the vault's upload
 * and download do, through Kysely and node-postgres in text format.
 */
async function measureCeiling(db: Kysely<any>, bytes: Buffer): Promise<{ writeSeconds: number; readSeconds: number }> {
  const documentId = randomUUID();
  const writeStart = performance.now();
  await db.transaction().execute(async (trx) => {
    let batch: Array<{ document_id: string; index: number; data: Buffer }> = [];
    for (let index = 0; index * CHUNK_SIZE < bytes.length; index++) {
      batch.push({ document_id: documentId, index, data: bytes.subarray(index * CHUNK_SIZE, (index + 1) * CHUNK_SIZE) });
      if (batch.length === CHUNKS_PER_STATEMENT) {
        await trx.insertInto('bench_chunks').values(batch).execute();
        batch = [];
      }
    }
    if (batch.length > 0) await trx.insertInto('bench_chunks').values(batch).execute();
  });
  const writeSeconds = (performance.now() - writeStart) / 1000;

  const received = compareAgainst(bytes);
  const readStart = performance.now();
  for (let after = -1; ; ) {
    const rows = await db
      .selectFrom('bench_chunks')
      .select(['index', 'data'])
      .where('document_id', '=', documentId)
      .where('index', '>', after)
      .orderBy('index')
      .limit(CHUNKS_PER_STATEMENT)
      .execute();
    for (const row of rows) received.onData(row.data as Buffer);
    if (rows.length < CHUNKS_PER_STATEMENT) break;
    after = rows[rows.length - 1]!.index as number;
  }
  const readSeconds = (performance.now() - readStart) / 1000;
  if (!received.matches()) throw new Error('the bytes read back from bench_chunks differ from the bytes written');
  await db.deleteFrom('bench_chunks').where('document_id', '=', documentId).execute();
  return { writeSeconds, readSeconds };
}

async function deleteDocument(url: string, session: PersonSession, id: string): Promise<void> {
  const response = await fetch(`${url}/api/v1/documents/${id}`, { method: 'DELETE', headers: { cookie: session.cookie, 'x-csrf-token': session.csrfToken } });
  if (response.status !== 204) throw new Error(`DELETE /api/v1/documents/{id} returned status ${response.status}; expected 204`);
}

function report(specimens: Specimen[], results: Map<Specimen, RunResult[]>): BenchSection {
  const table = [
    '| file | runs | upload MB/s | ceiling write MB/s | ratio | download MB/s | ceiling read MB/s | ratio |',
    '|---|---|---|---|---|---|---|---|',
  ];
  const targets: TargetRow[] = [];
  const ratioRow = (figure: string, ratio: Spread): TargetRow => ({ figure, value: formatSpread(ratio, 2), target: `≥ ${TARGET_RATIO}`, met: ratio.median >= TARGET_RATIO });

  for (const specimen of specimens) {
    const runs = results.get(specimen)!;
    const pick = (field: keyof RunResult) => spreadOf(runs.map((run) => run[field] as number));
    const uploadRatio = spreadOf(runs.map((run) => run.uploadMBps / run.ceilingWriteMBps));
    const downloadRatio = spreadOf(runs.map((run) => run.downloadMBps / run.ceilingReadMBps));
    table.push(
      `| ${specimen.label} | ${runs.length} | ${formatSpread(pick('uploadMBps'))} | ${formatSpread(pick('ceilingWriteMBps'))} | ${formatSpread(uploadRatio, 2)} | ` +
        `${formatSpread(pick('downloadMBps'))} | ${formatSpread(pick('ceilingReadMBps'))} | ${formatSpread(downloadRatio, 2)} |`,
    );
    const short = specimen.measureMemory ? '200 MiB' : '6.2 MB';
    targets.push(ratioRow(`transfer: upload ${short}, HTTP / PostgreSQL`, uploadRatio), ratioRow(`transfer: download ${short}, HTTP / PostgreSQL`, downloadRatio));
  }

  const memoryRuns = [...results.values()].flat().map((run) => run.growthMiB).filter((growth): growth is number => growth !== null);
  const growth = spreadOf(memoryRuns);
  targets.push({ figure: 'transfer: vault peak RSS growth, 200 MiB up and down', value: `${formatSpread(growth)} MiB`, target: `≤ ${TARGET_GROWTH_MIB} MiB`, met: growth.median <= TARGET_GROWTH_MIB });

  const markdown = [
    'Each run uploads the file through `POST /api/v1/documents` (multipart, signed-in person), downloads it',
    'through `GET /api/v1/documents/{id}/content`, compares the bytes, and deletes it. Then the ceiling writes',
    'the same bytes into a twin of `document_chunks` in one transaction, 16 chunks of 64 KiB per INSERT, and',
    'reads them back 16 chunks per SELECT, through `openDatabase` (Kysely and node-postgres, pool of 10) in the',
    'benchmark process: no HTTP, no multipart parsing, no encryption, no audit entry. MB is 10^6 bytes. Each',
    'ratio is the HTTP rate over the ceiling of the same run.',
    '',
    table.join('\n'),
    '',
    `Peak RSS growth of the vault process during each 200 MiB upload and download, above its RSS after sign-in and`,
    `a 1 s pause, before any transfer (VmHWM reset before each run through \`/proc/{pid}/clear_refs\`, and RSS sampled every ${SAMPLE_INTERVAL_MS} ms): ` +
      `${formatSpread(growth)} MiB, ${growth.runs.map((value) => formatNumber(value)).join(', ')} MiB by run.`,
    '',
    targetTable(targets),
  ].join('\n');
  return { name: 'transfer', markdown, targets };
}
