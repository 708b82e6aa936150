import { createHash } from 'node:crypto';

import { signIn } from '../../test/support/sign-in.js';
import { downloadDocument, uploadGeneratedPdf, type PersonSession } from '../support/http-transfer.js';
import { startVaultProcess } from '../support/vault-process.js';

// Uploads then downloads a generated file through the HTTP API and reports
// how much the vault's resident memory grew above its idle level. Streaming
// is meant to keep that growth flat whatever the file size; the target is at
// most 64 MiB for 200 MiB.

const SIZE_BYTES = Number(process.env.BENCH_SIZE_MIB ?? 200) * 1024 * 1024;
const TARGET_GROWTH_BYTES = 64 * 1024 * 1024;
const MIB = 1024 * 1024;

const vault = await startVaultProcess({ COFFRE_MAX_UPLOAD_BYTES: String(SIZE_BYTES + MIB) });
try {
  const session = await signIn(vault, 'camille');
  await new Promise((resolve) => setTimeout(resolve, 1000));
  const idleRss = vault.rss();

  let peak = idleRss;
  const sampler = setInterval(() => {
    peak = Math.max(peak, vault.rss());
  }, 20);

  const uploadStart = performance.now();
  const { id, sentHash } = await uploadGeneratedPdf(vault.url, session, SIZE_BYTES);
  const uploadSeconds = (performance.now() - uploadStart) / 1000;

  const downloadStart = performance.now();
  const receivedHash = await download(vault.url, session, id);
  const downloadSeconds = (performance.now() - downloadStart) / 1000;

  clearInterval(sampler);
  peak = Math.max(peak, vault.peakRss());
  const growth = peak - idleRss;

  const report = {
    sizeMiB: SIZE_BYTES / MIB,
    uploadMBps: round(SIZE_BYTES / 1e6 / uploadSeconds),
    downloadMBps: round(SIZE_BYTES / 1e6 / downloadSeconds),
    idleRssMiB: round(idleRss / MIB),
    peakRssMiB: round(peak / MIB),
    peakGrowthMiB: round(growth / MIB),
    targetGrowthMiB: TARGET_GROWTH_BYTES / MIB,
    byteIdentical: sentHash === receivedHash,
    met: growth <= TARGET_GROWTH_BYTES && sentHash === receivedHash,
  };
  process.stdout.write(JSON.stringify(report, null, 2) + '\n');
  process.exitCode = report.met ? 0 : 1;
} finally {
  await vault.stop();
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}


async function download(url: string, session: PersonSession, id: string): Promise<string> {
  const hash = createHash('sha256');
  await downloadDocument(url, session, id, (piece) => hash.update(piece));
  return hash.digest('hex');
}
