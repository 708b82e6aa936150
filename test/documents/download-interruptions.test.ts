import http from 'node:http';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { checkedOutClients } from '../../server/db/pool.js';
import { signIn, type SignedIn } from '../support/sign-in.js';
import { startTestVault, type TestVault } from '../support/test-vault.js';
import { getBytes, superuserQuery, uploadSpecimen, waitFor } from './document-api.js';

let vault: TestVault;
let camille: SignedIn;

beforeAll(async () => {
  vault = await startTestVault();
  camille = await signIn(vault, 'camille');
});

afterAll(async () => {
  await vault?.destroy();
});

/** Flips one byte of a stored chunk, as an attacker with database access could. */
async function tamperChunk(documentId: string, index: number): Promise<void> {
  await superuserQuery(vault, 'update document_chunks set data = set_byte(data, 40, get_byte(data, 40) # 1) where document_id = $1 and index = $2', [documentId, index]);
}

/** Downloads with a raw client, which reports a cut transfer instead of hiding it. */
function rawDownload(documentId: string): Promise<{ status: number; contentLength: number; received: number; complete: boolean }> {
  return new Promise((resolve, reject) => {
    const url = new URL(`/api/v1/documents/${documentId}/content`, vault.url);
    http
      .get(url, { headers: { Cookie: camille.cookie } }, (response) => {
        let received = 0;
        response.on('data', (chunk: Buffer) => (received += chunk.length));
        const finish = () =>
          resolve({ status: response.statusCode ?? 0, contentLength: Number(response.headers['content-length']), received, complete: response.complete });
        response.on('end', finish);
        response.on('error', finish);
        response.on('aborted', finish);
      })
      .on('error', reject);
  });
}

describe('tampered content', () => {
  it('cuts the transfer when a middle chunk fails', async () => {
    const { id } = await uploadSpecimen(vault, camille, 'dossier-mdph-complet.pdf', 'decision_mdph');
    await tamperChunk(id, 50);

    const result = await rawDownload(id);
    expect(result.status).toBe(200);
    expect(result.complete).toBe(false);
    // Chunks 0 to 49 were authenticated and sent before the failure.
    expect(result.received).toBeLessThan(result.contentLength);
    expect(result.received).toBeLessThanOrEqual(50 * 65536 + 16 * 65536);
  });

  it('answers 500 when the first chunk fails', async () => {
    const { id } = await uploadSpecimen(vault, camille, 'notification-rqth.pdf', 'decision_mdph');
    await tamperChunk(id, 0);

    const response = await getBytes(vault, camille, `/api/v1/documents/${id}/content`);
    expect(response.status).toBe(500);
    const problem = JSON.parse(response.body.toString('utf8'));
    expect(problem.code).toBe('internal_error');
    expect(response.headers['content-disposition']).toBeUndefined();
  });

  it('cuts the transfer when the last chunk is missing', async () => {
    const { id } = await uploadSpecimen(vault, camille, 'photo-justificatif.png', 'other');
    await superuserQuery(vault, 'delete from document_chunks where document_id = $1 and index = (select max(index) from document_chunks where document_id = $1)', [id]);

    const result = await rawDownload(id);
    expect(result.complete).toBe(false);
    expect(result.received).toBeLessThan(result.contentLength);
  });
});

describe('client that leaves mid-download', () => {
  it('stops the transfer and releases the connection', async () => {
    const { id } = await uploadSpecimen(vault, camille, 'dossier-mdph-complet.pdf', 'decision_mdph');
    const url = new URL(`/api/v1/documents/${id}/content`, vault.url);

    await new Promise<void>((resolve, reject) => {
      const client = http.get(url, { headers: { Cookie: camille.cookie } }, (response) => {
        response.once('data', () => {
          client.destroy();
          resolve();
        });
      });
      client.on('error', (error) => ((error as NodeJS.ErrnoException).code === 'ECONNRESET' ? undefined : reject(error)));
    });

    expect(await waitFor(() => checkedOutClients(vault.ctx.pool) === 0)).toBe(true);
    // The vault keeps serving.
    await getBytes(vault, camille, `/api/v1/documents/${id}`).expect(200);
  });
});
