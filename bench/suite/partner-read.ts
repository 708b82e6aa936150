import { signIn } from '../../demo/sign-in-flow.js';
import { startBareServer } from '../support/bare-process.js';
import { onCleanup } from '../support/cleanup.js';
import { measureCommitLatency } from '../support/commit-latency.js';
import { generatedPdf, slicesOf, uploadDocument } from '../support/http-transfer.js';
import { bearerHeader, shareWithPartner } from '../support/partner-grant.js';
import { targetTable, type BenchSection, type TargetRow } from '../support/report-file.js';
import { formatNumber, formatSpread, spreadOf } from '../support/stats.js';
import { startVaultProcess } from '../support/vault-process.js';
import { ensureWrk, runWrk, type WrkResult } from '../support/wrk.js';

// A partner downloading a 100 KiB document through its grant, driven by wrk:
// token check, partner, grant and document reads, the policy, the audit
// append and the decryption, on every request. The ceiling is a bare
// Express 5 route serving 100 KiB from memory in another process, loaded
// with the same wrk settings right after each vault run.
//
// Settings (environment):
//   BENCH_WRK_SECONDS  duration of each wrk run, in seconds (default 20)

const DOCUMENT_BYTES = 100 * 1024;
const SECONDS = Number(process.env.BENCH_WRK_SECONDS ?? 20);
// Three runs where the targets apply, one elsewhere, to keep the whole benchmark under 4 minutes at 20 s per run.
const PLAN = [
  { connections: 1, runs: 1 },
  { connections: 8, runs: 1 },
  { connections: 32, runs: 3 },
];
const TARGET_RATIO_AT_32 = 0.25;
const TARGET_P99_MS = 50;

interface Pair {
  vault: WrkResult;
  bare: WrkResult;
}

/** Runs the plan and reports requests per second and latency of the vault and of the bare route. */
export async function runPartnerReadBench(): Promise<BenchSection> {
  if (!Number.isFinite(SECONDS) || SECONDS <= 0 || SECONDS > 60) {
    throw new Error(`invalid BENCH_WRK_SECONDS "${process.env.BENCH_WRK_SECONDS}"; set 1 to 60 seconds, because a partner's access token lives 300 s`);
  }
  ensureWrk();

  const vault = await startVaultProcess();
  const stopVault = onCleanup(() => vault.stop());
  const bare = await startBareServer(DOCUMENT_BYTES);
  const stopBare = onCleanup(() => bare.stop());
  try {
    const session = await signIn(vault, 'camille');
    const documentId = await uploadDocument(vault.url, session, DOCUMENT_BYTES, slicesOf(generatedPdf(DOCUMENT_BYTES)));
    const access = await shareWithPartner(vault, session, { documentIds: [documentId] });
    const contentUrl = `${vault.url}/partner/v1/grants/${access.grantId}/documents/${documentId}/content`;

    // Warm-up, not counted: connections, prepared plans, V8's optimizing tiers.
    await runWrk({ url: contentUrl, connections: 8, seconds: 3, headers: await bearerHeader(vault, access) });
    await runWrk({ url: bare.url, connections: 8, seconds: 3 });

    if (!vault.databaseUrl) throw new Error('the partner-read benchmark needs DATABASE_URL; bench/run.ts sets it before starting a vault');
    const commitBefore = await measureCommitLatency(vault.databaseUrl);

    const results = new Map<number, Pair[]>();
    for (const step of PLAN) {
      const pairs: Pair[] = [];
      for (let run = 0; run < step.runs; run++) {
        // A new token per run, so none expires during a load.
        const vaultResult = await runWrk({ url: contentUrl, connections: step.connections, seconds: SECONDS, headers: await bearerHeader(vault, access) });
        const bareResult = await runWrk({ url: bare.url, connections: step.connections, seconds: SECONDS });
        pairs.push({ vault: vaultResult, bare: bareResult });
      }
      results.set(step.connections, pairs);
    }
    const commitAfter = await measureCommitLatency(vault.databaseUrl);
    return report(results, [commitBefore, commitAfter]);
  } finally {
    await stopBare();
    await stopVault();
  }
}

function report(results: Map<number, Pair[]>, commits: Array<{ p50Ms: number; p99Ms: number }>): BenchSection {
  const table = [
    '| connections | runs | vault requests/s | bare requests/s | ratio | vault p50 / p99 ms | bare p50 / p99 ms | vault errors, non-2xx |',
    '|---|---|---|---|---|---|---|---|',
  ];
  let vaultFailures = 0;
  let bareFailures = 0;
  for (const [connections, pairs] of results) {
    const vault = (pick: (result: WrkResult) => number) => spreadOf(pairs.map((pair) => pick(pair.vault)));
    const bare = (pick: (result: WrkResult) => number) => spreadOf(pairs.map((pair) => pick(pair.bare)));
    const ratio = spreadOf(pairs.map((pair) => pair.vault.requestsPerSecond / pair.bare.requestsPerSecond));
    const errors = pairs.reduce((sum, pair) => sum + pair.vault.socketErrors, 0);
    const non2xx = pairs.reduce((sum, pair) => sum + pair.vault.non2xx, 0);
    vaultFailures += errors + non2xx;
    bareFailures += pairs.reduce((sum, pair) => sum + pair.bare.socketErrors + pair.bare.non2xx, 0);
    table.push(
      `| ${connections} | ${pairs.length} | ${formatSpread(vault((r) => r.requestsPerSecond), 0)} | ${formatSpread(bare((r) => r.requestsPerSecond), 0)} | ${formatSpread(ratio, 3)} | ` +
        `${formatSpread(vault((r) => r.latencyP50Ms), 2)} / ${formatSpread(vault((r) => r.latencyP99Ms), 2)} | ` +
        `${formatSpread(bare((r) => r.latencyP50Ms), 2)} / ${formatSpread(bare((r) => r.latencyP99Ms), 2)} | ${errors}, ${non2xx} |`,
    );
  }

  const at32 = results.get(32)!;
  const ratio32 = spreadOf(at32.map((pair) => pair.vault.requestsPerSecond / pair.bare.requestsPerSecond));
  const p99At32 = spreadOf(at32.map((pair) => pair.vault.latencyP99Ms));
  const targets: TargetRow[] = [
    { figure: 'partner-read: vault / bare requests/s at 32 connections', value: formatSpread(ratio32, 3), target: `≥ ${TARGET_RATIO_AT_32}`, met: ratio32.median >= TARGET_RATIO_AT_32 },
    { figure: 'partner-read: vault p99 at 32 connections', value: `${formatSpread(p99At32, 1)} ms`, target: `< ${TARGET_P99_MS} ms`, met: p99At32.median < TARGET_P99_MS },
    { figure: 'partner-read: vault socket errors and non-2xx, all runs', value: String(vaultFailures), target: '0', met: vaultFailures === 0 },
  ];

  const markdown = [
    `wrk 4.1 (\`--latency\`, ${SECONDS} s per run, one thread per connection up to two) on`,
    '`GET /partner/v1/grants/{grantId}/documents/{documentId}/content` with a bearer token from `/oauth/token`,',
    'for a 100 KiB document shared by one grant. Every request checks the token, reads the partner, the grant and',
    'the document, asks the policy, appends an audit entry, unwraps the keys and decrypts. The bare route is',
    'Express 5 sending the same number of bytes from memory (ETag off, as on the vault\'s content routes), in a',
    'process of its own, loaded right after each vault run with the same settings. The vault runs with its',
    `default pool of 10 database connections. Median (min–max); the ratio is computed per pair of runs. Bare route errors and non-2xx: ${bareFailures}.`,
    '',
    table.join('\n'),
    '',
    `Latency of one small committed insert on the same server, 200 in a row, before and after the loads: ` +
      commits.map((commit) => `p50 ${formatNumber(commit.p50Ms, 2)} ms, p99 ${formatNumber(commit.p99Ms, 2)} ms`).join('; then ') +
      '. Each partner read commits one audit entry, and the chain\'s lock lets one append commit at a time.',
    '',
    targetTable(targets),
  ].join('\n');
  return { name: 'partner-read', markdown, targets };
}
