import http from 'node:http';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { checkedOutClients } from '../../server/db/pool.js';
import { signIn, type SignedIn } from '../support/sign-in.js';
import { startTestVault, type TestVault } from '../support/test-vault.js';
import { auditEntries, countStoredRows, multipartBody, superuserQuery, uploadParts, waitFor } from './document-api.js';

let vault: TestVault;
let camille: SignedIn;

beforeAll(async () => {
  vault = await startTestVault();
  camille = await signIn(vault, 'camille');
});

afterAll(async () => {
  await vault?.destroy();
});

/** Counts the open, idle transactions of the vault's runtime role in pg_stat_activity. */
async function openUploadTransactions(): Promise<number> {
  const [row] = await superuserQuery<{ count: number }>(
    vault,
    "select count(*) as count from pg_stat_activity where datname = current_database() and usename = 'coffre_runtime' and state like 'idle in transaction%'",
  );
  return Number(row!.count);
}

describe('client that disconnects mid-upload', () => {
  it('leaves nothing and releases the connection', async () => {
    // 4 MiB of PDF, of which only the first half is ever sent.
    const data = Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(4 * 1024 * 1024, 0x41)]);
    const { body, contentType } = multipartBody(uploadParts({ category: 'medical', fileName: 'coupé.pdf', data }));
    const url = new URL('/api/v1/documents', vault.url);

    const client = http.request(url, {
      method: 'POST',
      headers: { 'Content-Type': contentType, 'Content-Length': body.length, Cookie: camille.cookie, 'X-CSRF-Token': camille.csrfToken },
    });
    const clientError = new Promise<Error>((resolve) => client.on('error', resolve));
    client.on('response', () => {
      throw new Error('the vault answered an upload that never finished');
    });
    client.write(body.subarray(0, 2 * 1024 * 1024));

    // The upload transaction is open on the server: the document row and the
    // first chunks exist, uncommitted.
    expect(await waitFor(async () => (await openUploadTransactions()) > 0, 5000)).toBe(true);
    client.destroy();
    await clientError;

    expect(await waitFor(() => checkedOutClients(vault.ctx.pool) === 0)).toBe(true);
    expect(await openUploadTransactions()).toBe(0);
    expect(await countStoredRows(vault)).toEqual({ documents: 0, chunks: 0 });
    expect(await waitFor(async () => (await auditEntries(vault, 'document.upload')).some((entry) => entry.reason === 'upload_aborted'))).toBe(true);
    expect((await auditEntries(vault, 'document.upload')).at(-1)).toEqual({
      actor_id: camille.accountId,
      subject_id: camille.accountId,
      resource_id: null,
      outcome: 'deny',
      reason: 'upload_aborted',
    });
  });

  it('leaves the vault able to take the next upload', async () => {
    const { body, contentType } = multipartBody(uploadParts({ category: 'medical', fileName: 'ok.pdf', data: Buffer.from('%PDF-1.7\nentier') }));
    const response = await fetch(new URL('/api/v1/documents', vault.url), {
      method: 'POST',
      headers: { 'Content-Type': contentType, Cookie: camille.cookie, 'X-CSRF-Token': camille.csrfToken },
      body,
    });
    expect(response.status).toBe(201);
    expect(await countStoredRows(vault)).toEqual({ documents: 1, chunks: 1 });
  });
});
