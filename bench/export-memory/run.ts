import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, createWriteStream } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';

import { readZip } from '../../test/export/zip-reader.js';
import { signIn } from '../../test/support/sign-in.js';
import { uploadGeneratedPdf } from '../support/http-transfer.js';
import { startVaultProcess } from '../support/vault-process.js';

// Uploads one generated document, then exports the whole vault through
// GET /api/v1/export and reports how much the vault's resident memory grew
// above its idle level during the export alone. The archive is written to a
// temporary file, then read back to check that the document inside it is
// byte-identical to the upload. The target is the one of the download
// benchmark: at most 64 MiB of growth for 200 MiB.

const SIZE_BYTES = Number(process.env.BENCH_SIZE_MIB ?? 200) * 1024 * 1024;
const TARGET_GROWTH_BYTES = 64 * 1024 * 1024;
const MIB = 1024 * 1024;

const vault = await startVaultProcess({ COFFRE_MAX_UPLOAD_BYTES: String(SIZE_BYTES + MIB) });
const folder = mkdtempSync(path.join(os.tmpdir(), 'coffre-bench-export-'));
try {
  const session = await signIn(vault, 'camille');
  const { sentHash } = await uploadGeneratedPdf(vault.url, session, SIZE_BYTES);
  // Lets the upload's garbage settle, so the idle level is the level before the export.
  await new Promise((resolve) => setTimeout(resolve, 2000));
  const idleRss = vault.rss();
  const peakBefore = vault.peakRss();

  let peak = idleRss;
  const sampler = setInterval(() => {
    peak = Math.max(peak, vault.rss());
  }, 20);

  const archivePath = path.join(folder, 'export.zip');
  const start = performance.now();
  await download(vault.url, session.cookie, archivePath);
  const seconds = (performance.now() - start) / 1000;
  clearInterval(sampler);
  // VmHWM also counts the upload's peak, so it is used only when the export raised it.
  if (vault.peakRss() > peakBefore) peak = Math.max(peak, vault.peakRss());
  const growth = peak - idleRss;

  const archive = readFileSync(archivePath);
  const document = readZip(archive).entries.find((entry) => entry.name === 'documents/bench.pdf');
  const receivedHash = document ? createHash('sha256').update(document.data).digest('hex') : null;

  const report = {
    sizeMiB: SIZE_BYTES / MIB,
    archiveMiB: round(archive.length / MIB),
    exportMBps: round(archive.length / 1e6 / seconds),
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
  rmSync(folder, { recursive: true, force: true });
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}

async function download(url: string, cookie: string, file: string): Promise<void> {
  const response = await new Promise<http.IncomingMessage>((resolve, reject) => {
    http.get(`${url}/api/v1/export`, { headers: { Cookie: cookie } }, resolve).on('error', reject);
  });
  if (response.statusCode !== 200) throw new Error(`export failed with status ${response.statusCode}`);
  await pipeline(response, createWriteStream(file));
}
