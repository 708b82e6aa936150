import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream } from 'node:stream/web';

import type { PartnerApiClient } from './partner-api-client.js';

/** A document as `GET /partner/v1/grants/:grantId/documents` lists it. */
export interface ListedDocument {
  id: string;
  fileName: string;
  sizeBytes: number;
}

/** A downloaded file: where it went, its size and its SHA-256. */
export interface DownloadedFile {
  fileName: string;
  path: string;
  sizeBytes: number;
  sha256: string;
}

/**
 * Downloads every document of a grant into `outDir`, streaming each to disk
 * while hashing it. Throws ApiError on the first refused document, and an
 * Error when a transfer ends shorter than its listed size.
 */
export async function downloadGrantDocuments(client: PartnerApiClient, grantId: string, outDir: string): Promise<DownloadedFile[]> {
  const { items } = await client.json<{ items: ListedDocument[] }>('GET', `/partner/v1/grants/${encodeURIComponent(grantId)}/documents`);
  await mkdir(outDir, { recursive: true });

  const used = new Set<string>();
  const files: DownloadedFile[] = [];
  for (const document of items) {
    const fileName = uniqueName(safeFileName(document.fileName, document.id), used);
    const target = path.join(outDir, fileName);
    const response = await client.request('GET', `/partner/v1/grants/${encodeURIComponent(grantId)}/documents/${encodeURIComponent(document.id)}/content`);
    if (!response.body) throw new Error(`empty response body for document ${document.id}`);

    const hash = createHash('sha256');
    let sizeBytes = 0;
    const hashing = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        hash.update(chunk);
        sizeBytes += chunk.length;
        callback(null, chunk);
      },
    });
    await pipeline(Readable.fromWeb(response.body as ReadableStream<Uint8Array>), hashing, createWriteStream(target, { mode: 0o600 }));
    if (sizeBytes !== document.sizeBytes) throw new Error(`document ${document.id} ended after ${sizeBytes} of ${document.sizeBytes} bytes`);
    files.push({ fileName, path: target, sizeBytes, sha256: hash.digest('hex') });
  }
  return files;
}

// The file name comes from the person; only its last path segment is used,
// without control characters, so it cannot leave `outDir`.
function safeFileName(name: string, fallback: string): string {
  const base = path.basename(name.replaceAll('\\', '/')).replace(/[\u0000-\u001f\u007f]/g, '').trim();
  return base === '' || base === '.' || base === '..' ? fallback : base;
}

function uniqueName(name: string, used: Set<string>): string {
  let candidate = name;
  for (let copy = 2; used.has(candidate); copy += 1) {
    const extension = path.extname(name);
    candidate = `${path.basename(name, extension)} (${copy})${extension}`;
  }
  used.add(candidate);
  return candidate;
}
