import { createCipheriv, createDecipheriv, randomBytes, randomUUID } from 'node:crypto';

import { CHUNK_SIZE, createContentEncryptor, decryptContent, loadSodium } from '../../crypto/index.js';
import type { BenchSection, TargetRow } from '../support/report-file.js';
import { targetTable } from '../support/report-file.js';
import { formatNumber, formatSpread, spreadOf } from '../support/stats.js';

// Content encryption then decryption of the same 64 MiB in 64 KiB chunks,
// three ways on the same buffers. The vault's layer is crypto/, the ceiling
// is raw libsodium-wrappers secretstream calls, and node:crypto AES-256-GCM
// is a reference for the cost of another cipher.

const TOTAL_BYTES = 64 * 1024 * 1024;
// Each pass takes a fraction of a second, so many runs cost little and steady the median on a loaded machine.
const RUNS = 15;
const TARGET_OVERHEAD = 0.1;
// The vault's associated data of content chunks has this shape; the raw pass binds the same bytes.
const AD_PREFIX = 'coffre:content:v1:';

interface PassTimes {
  encryptSeconds: number;
  decryptSeconds: number;
}

/**
 * Runs the three passes RUNS times, interleaved, so a change in the
 * machine's load touches each of them. The vault's pass and the raw pass
 * swap order every run, so neither always runs first after the other's garbage.
 */
export async function runCryptoBench(): Promise<BenchSection> {
  const pieces = splitIntoChunks(randomBytes(TOTAL_BYTES));
  const key = new Uint8Array(randomBytes(32));
  const sodium = await loadSodium();

  // Warm-up, not counted: WebAssembly compilation tiers and the allocator.
  await throughVault(pieces.slice(0, 64), key);
  throughRawSecretstream(sodium, pieces.slice(0, 64), key);
  throughAesGcm(pieces.slice(0, 64));

  const vault: PassTimes[] = [];
  const raw: PassTimes[] = [];
  const aes: PassTimes[] = [];
  for (let run = 0; run < RUNS; run++) {
    if (run % 2 === 0) {
      vault.push(await throughVault(pieces, key));
      raw.push(throughRawSecretstream(sodium, pieces, key));
    } else {
      raw.push(throughRawSecretstream(sodium, pieces, key));
      vault.push(await throughVault(pieces, key));
    }
    aes.push(throughAesGcm(pieces));
  }

  const megabytes = TOTAL_BYTES / 1e6;
  const rate = (times: PassTimes[], pick: (time: PassTimes) => number) => spreadOf(times.map((time) => megabytes / pick(time)));
  const roundTrip = (time: PassTimes): number => time.encryptSeconds + time.decryptSeconds;
  // Each run's overhead compares the vault's pass with the raw pass of the same run.
  const overhead = spreadOf(vault.map((time, index) => roundTrip(time) / roundTrip(raw[index]!) - 1));

  const rows = [
    { name: 'crypto/ (`createContentEncryptor`, `decryptContent`)', times: vault },
    { name: 'raw libsodium-wrappers secretstream (ceiling)', times: raw },
    { name: 'node:crypto AES-256-GCM (reference)', times: aes },
  ];
  const table = ['| implementation | encrypt MB/s | decrypt MB/s | round trip MB/s |', '|---|---|---|---|'];
  for (const row of rows) {
    table.push(`| ${row.name} | ${formatSpread(rate(row.times, (time) => time.encryptSeconds))} | ${formatSpread(rate(row.times, (time) => time.decryptSeconds))} | ${formatSpread(rate(row.times, roundTrip))} |`);
  }

  const targets: TargetRow[] = [
    {
      figure: 'crypto: overhead of crypto/ over raw secretstream, encrypt + decrypt',
      value: `${formatSpread({ ...overhead, median: overhead.median * 100, min: overhead.min * 100, max: overhead.max * 100 })} %`,
      target: `≤ ${TARGET_OVERHEAD * 100} %`,
      met: overhead.median <= TARGET_OVERHEAD,
    },
  ];
  const markdown = [
    `64 MiB of random bytes in ${CHUNK_SIZE / 1024} KiB chunks, encrypted then decrypted in memory in the benchmark process,`,
    `${RUNS} runs of each implementation, interleaved. Median (min–max); MB is 10^6 bytes. The overhead is the`,
    `round-trip time of crypto/ over the raw pass of the same run, minus one. AES-256-GCM`,
    `uses one cipher object per chunk with a counter nonce, which is how a chunked format would use it.`,
    '',
    table.join('\n'),
    '',
    targetTable(targets),
    '',
    `Fastest run of each, round trip: crypto/ ${formatNumber(megabytes / Math.min(...vault.map(roundTrip)))} MB/s, raw ${formatNumber(megabytes / Math.min(...raw.map(roundTrip)))} MB/s ` +
      `(overhead ${formatNumber((Math.min(...vault.map(roundTrip)) / Math.min(...raw.map(roundTrip)) - 1) * 100)} %), AES-256-GCM ${formatNumber(megabytes / Math.min(...aes.map(roundTrip)))} MB/s. ` +
      `On a loaded machine the fastest runs are the ones least disturbed by other processes.`,
  ].join('\n');
  return { name: 'crypto', markdown, targets };
}

function splitIntoChunks(buffer: Buffer): Buffer[] {
  const pieces: Buffer[] = [];
  for (let offset = 0; offset < buffer.length; offset += CHUNK_SIZE) pieces.push(buffer.subarray(offset, offset + CHUNK_SIZE));
  return pieces;
}

async function* iterate<T>(items: readonly T[]): AsyncGenerator<T> {
  yield* items;
}

async function throughVault(pieces: readonly Buffer[], key: Uint8Array): Promise<PassTimes> {
  const documentId = randomUUID();
  const startEncrypt = performance.now();
  const encryptor = await createContentEncryptor(key, documentId);
  const chunks: Uint8Array[] = [];
  for await (const chunk of encryptor.encrypt(iterate(pieces))) chunks.push(chunk.data);
  const encryptSeconds = (performance.now() - startEncrypt) / 1000;

  const startDecrypt = performance.now();
  let received = 0;
  for await (const plaintext of decryptContent(key, documentId, encryptor.header, iterate(chunks))) received += plaintext.length;
  const decryptSeconds = (performance.now() - startDecrypt) / 1000;
  checkLength(received, pieces, 'crypto/');
  return { encryptSeconds, decryptSeconds };
}

type Sodium = Awaited<ReturnType<typeof loadSodium>>;

// The vault's encryptor adds one empty final chunk when the content is a
// whole number of chunks long. The raw pass marks the last chunk final
// instead, because that is the least work secretstream allows.
function throughRawSecretstream(sodium: Sodium, pieces: readonly Buffer[], key: Uint8Array): PassTimes {
  const associatedData = new TextEncoder().encode(AD_PREFIX + randomUUID());
  const messageTag = sodium.crypto_secretstream_xchacha20poly1305_TAG_MESSAGE;
  const finalTag = sodium.crypto_secretstream_xchacha20poly1305_TAG_FINAL;

  const startEncrypt = performance.now();
  const { state, header } = sodium.crypto_secretstream_xchacha20poly1305_init_push(key);
  const chunks = pieces.map((piece, index) =>
    sodium.crypto_secretstream_xchacha20poly1305_push(state, piece, associatedData, index === pieces.length - 1 ? finalTag : messageTag),
  );
  const encryptSeconds = (performance.now() - startEncrypt) / 1000;

  const startDecrypt = performance.now();
  const pullState = sodium.crypto_secretstream_xchacha20poly1305_init_pull(header, key);
  let received = 0;
  for (const chunk of chunks) {
    const result = sodium.crypto_secretstream_xchacha20poly1305_pull(pullState, chunk, associatedData) as { message: Uint8Array } | false;
    if (result === false) throw new Error('raw secretstream pull failed on a chunk it had just pushed');
    received += result.message.length;
  }
  const decryptSeconds = (performance.now() - startDecrypt) / 1000;
  checkLength(received, pieces, 'raw secretstream');
  return { encryptSeconds, decryptSeconds };
}

function throughAesGcm(pieces: readonly Buffer[]): PassTimes {
  const key = randomBytes(32);
  const nonce = (index: number): Buffer => {
    const bytes = Buffer.alloc(12);
    bytes.writeUInt32BE(index, 8);
    return bytes;
  };

  const startEncrypt = performance.now();
  const sealed = pieces.map((piece, index) => {
    const cipher = createCipheriv('aes-256-gcm', key, nonce(index));
    const data = Buffer.concat([cipher.update(piece), cipher.final()]);
    return { data, tag: cipher.getAuthTag() };
  });
  const encryptSeconds = (performance.now() - startEncrypt) / 1000;

  const startDecrypt = performance.now();
  let received = 0;
  sealed.forEach(({ data, tag }, index) => {
    const decipher = createDecipheriv('aes-256-gcm', key, nonce(index));
    decipher.setAuthTag(tag);
    received += Buffer.concat([decipher.update(data), decipher.final()]).length;
  });
  const decryptSeconds = (performance.now() - startDecrypt) / 1000;
  checkLength(received, pieces, 'AES-256-GCM');
  return { encryptSeconds, decryptSeconds };
}

function checkLength(received: number, pieces: readonly Buffer[], implementation: string): void {
  const expected = pieces.reduce((sum, piece) => sum + piece.length, 0);
  if (received !== expected) throw new Error(`${implementation} decrypted ${received} bytes instead of ${expected}`);
}
