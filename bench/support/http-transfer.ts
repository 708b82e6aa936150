import { createHash } from 'node:crypto';
import http from 'node:http';

/** A signed-in person's session, as `signIn` returns it. */
export interface PersonSession {
  cookie: string;
  csrfToken: string;
}

const MIB = 1024 * 1024;

/**
 * Generates `size` bytes that the vault accepts as a PDF: the PDF signature
 * followed by pseudo-random bytes, which neither compress nor repeat.
 */
export function generatedPdf(size: number): Buffer {
  const bytes = Buffer.allocUnsafe(size);
  let counter = 0;
  for (let offset = 0; offset + 4 <= size; offset += 4) bytes.writeUInt32LE(Math.imul(counter++, 2654435761) >>> 0, offset);
  bytes.fill(0, size - (size % 4));
  bytes.write('%PDF-1.7\n', 0, 'latin1');
  return bytes;
}

/**
 * Uploads `size` bytes through `POST /api/v1/documents` as multipart/form-data,
 * writing the pieces that `pieces` yields and waiting for the socket to drain.
 * A piece must not be changed after it is yielded, because the socket may
 * still hold it. Returns the new document's id.
 */
export async function uploadDocument(url: string, session: PersonSession, size: number, pieces: Iterable<Buffer>): Promise<string> {
  const boundary = `----coffre-bench-${Date.now()}`;
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="category"\r\n\r\nother\r\n` +
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="bench.pdf"\r\nContent-Type: application/pdf\r\n\r\n`,
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);

  const response = await new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = http.request(`${url}/api/v1/documents`, {
      method: 'POST',
      headers: {
        'Content-Type': `multipart/form-data; boundary=${boundary}`,
        'Content-Length': head.length + size + tail.length,
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
      let sent = 0;
      for (const piece of pieces) {
        sent += piece.length;
        if (!req.write(piece)) await new Promise((resolve) => req.once('drain', resolve));
      }
      if (sent !== size) req.destroy(new Error(`the upload source yielded ${sent} bytes instead of ${size}`));
      else req.end(tail);
    })();
  });

  if (response.status !== 201) throw new Error(`upload failed with status ${response.status}: ${response.body.slice(0, 300)}`);
  return JSON.parse(response.body).id as string;
}

/** Splits a buffer into views of at most 1 MiB, for `uploadDocument`. */
export function* slicesOf(buffer: Buffer, sliceSize = MIB): Generator<Buffer> {
  for (let offset = 0; offset < buffer.length; offset += sliceSize) yield buffer.subarray(offset, offset + sliceSize);
}

/**
 * Downloads a document's content through `GET /api/v1/documents/{id}/content`
 * and hands each received piece to `onData`. Returns the number of bytes received.
 */
export async function downloadDocument(url: string, session: PersonSession, id: string, onData: (piece: Buffer) => void): Promise<number> {
  return new Promise((resolve, reject) => {
    http
      .get(`${url}/api/v1/documents/${id}/content`, { headers: { Cookie: session.cookie } }, (res) => {
        if (res.statusCode !== 200) {
          res.resume();
          return reject(new Error(`download failed with status ${res.statusCode}`));
        }
        let received = 0;
        res.on('data', (piece: Buffer) => {
          onData(piece);
          received += piece.length;
        });
        res.on('end', () => resolve(received));
        res.on('error', reject);
      })
      .on('error', reject);
  });
}

/** Builds an `onData` callback that checks the received bytes against `expected` as they arrive, without hashing. */
export function compareAgainst(expected: Buffer): { onData: (piece: Buffer) => void; matches: () => boolean } {
  let offset = 0;
  let equal = true;
  return {
    onData(piece) {
      if (equal && (offset + piece.length > expected.length || expected.compare(piece, 0, piece.length, offset, offset + piece.length) !== 0)) equal = false;
      offset += piece.length;
    },
    matches: () => equal && offset === expected.length,
  };
}

/**
 * Uploads `size` bytes of a generated PDF, made block by block as they are
 * sent, so the benchmark holds a few blocks in memory whatever the size.
 * Each block is a new buffer because the socket may still hold the previous
 * one. Returns the document's id and the SHA-256 of the bytes sent.
 */
export async function uploadGeneratedPdf(url: string, session: PersonSession, size: number): Promise<{ id: string; sentHash: string }> {
  const hash = createHash('sha256');
  function* blocks(): Generator<Buffer> {
    let counter = 0;
    for (let sent = 0; sent < size; ) {
      const block = Buffer.allocUnsafe(Math.min(MIB, size - sent));
      for (let offset = 0; offset + 4 <= block.length; offset += 4) block.writeUInt32LE(Math.imul(counter++, 2654435761) >>> 0, offset);
      block.fill(0, block.length - (block.length % 4));
      if (sent === 0) block.write('%PDF-1.7\n', 0, 'latin1');
      hash.update(block);
      sent += block.length;
      yield block;
    }
  }
  const id = await uploadDocument(url, session, size, blocks());
  return { id, sentHash: hash.digest('hex') };
}
