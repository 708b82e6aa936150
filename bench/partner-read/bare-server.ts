import { randomBytes } from 'node:crypto';

import express from 'express';

// The ceiling of the partner-read benchmark: Express 5 serving the same
// number of bytes from memory, with no token check, policy, audit entry,
// database or decryption. It runs in a process of its own, as the vault
// does, and prints `listening on <port>` once it accepts connections.
// Express's ETag is off, as on the vault's content routes, because hashing
// every 100 KiB body would slow the ceiling rather than the vault.

const size = Number(process.argv[2] ?? 102_400);
if (!Number.isInteger(size) || size <= 0) {
  process.stderr.write(`bare-server: invalid size "${process.argv[2]}"; pass a positive number of bytes\n`);
  process.exit(2);
}
const body = randomBytes(size);

const app = express();
app.set('etag', false);
app.set('x-powered-by', false);
app.get('/content', (_req, res) => {
  res.set('Content-Type', 'application/pdf').set('Cache-Control', 'no-store').send(body);
});

const server = app.listen(0, '127.0.0.1', () => {
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('the bare server has no TCP address');
  process.stdout.write(`listening on ${address.port}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
