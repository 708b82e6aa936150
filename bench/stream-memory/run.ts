import { createHash } from 'node:crypto';
import http from 'node:http';

import { signIn } from '../../test/support/sign-in.js';
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
  const { id, sentHash } = await upload(vault.url, session);
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

// A PDF signature followed by pseudo-random bytes, generated as it is sent,
// so the benchmark itself holds no more than one block in memory.
async function upload(url: string, session: { cookie: string; csrfToken: string }): Promise<{ id: string; sentHash: string }> {
  const boundary = `----coffre-bench-${Date.now()}`;
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="category"\r\n\r\nother\r\n` +
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="bench.pdf"\r\nContent-Type: application/pdf\r\n\r\n`,
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  const hash = createHash('sha256');

  const response = await new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = http.request(`${url}/api/v1/documents`, {
      method: 'POST',
      headers: {
        'Content-Type': `multipart/form-data; boundary=${boundary}`,
        'Content-Length': head.length + SIZE_BYTES + tail.length,
        Cookie: session.cookie,
        'X-CSRF-Token': session.csrfToken,
      },
    });
    req.on('response', (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);

    void (async () => {
      req.write(head);
      const block = Buffer.alloc(MIB);
      let sent = 0;
      let counter = 0;
      while (sent < SIZE_BYTES) {
        for (let offset = 0; offset < block.length; offset += 4) block.writeUInt32LE(Math.imul(counter++, 2654435761) >>> 0, offset);
        if (sent === 0) block.write('%PDF-1.7\n', 0, 'latin1');
        const piece = block.subarray(0, Math.min(block.length, SIZE_BYTES - sent));
        hash.update(piece);
        sent += piece.length;
        if (!req.write(piece)) await new Promise((resolve) => req.once('drain', resolve));
      }
      req.end(tail);
    })();
  });

  if (response.status !== 201) throw new Error(`upload failed with status ${response.status}: ${response.body.slice(0, 300)}`);
  return { id: JSON.parse(response.body).id as string, sentHash: hash.digest('hex') };
}

async function download(url: string, session: { cookie: string }, id: string): Promise<string> {
  return new Promise((resolve, reject) => {
    http
      .get(`${url}/api/v1/documents/${id}/content`, { headers: { Cookie: session.cookie } }, (res) => {
        if (res.statusCode !== 200) return reject(new Error(`download failed with status ${res.statusCode}`));
        const hash = createHash('sha256');
        res.on('data', (chunk: Buffer) => hash.update(chunk));
        res.on('end', () => resolve(hash.digest('hex')));
        res.on('error', reject);
      })
      .on('error', reject);
  });
}
