import { createHash } from 'node:crypto';
import http from 'node:http';

const MIB = 1024 * 1024;

// A PDF signature followed by pseudo-random bytes, generated as it is sent,
// so the benchmark itself holds no more than one block in memory.
export async function uploadGeneratedPdf(url: string, session: { cookie: string; csrfToken: string }, sizeBytes: number): Promise<{ id: string; sentHash: string }> {
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
        'Content-Length': head.length + sizeBytes + tail.length,
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
      while (sent < sizeBytes) {
        for (let offset = 0; offset < block.length; offset += 4) block.writeUInt32LE(Math.imul(counter++, 2654435761) >>> 0, offset);
        if (sent === 0) block.write('%PDF-1.7\n', 0, 'latin1');
        const piece = block.subarray(0, Math.min(block.length, sizeBytes - sent));
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
