import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { signIn, type SignedIn } from '../support/sign-in.js';
import { startTestVault, type TestVault } from '../support/test-vault.js';
import { auditEntries, postParts, uploadParts } from './document-api.js';

let vault: TestVault;
let camille: SignedIn;
/** Ids of Camille's five documents, oldest first. */
const uploaded: Array<{ id: string; category: string; title: string }> = [];

const CATEGORIES = ['medical', 'decision_mdph', 'medical', 'other', 'medical'];

beforeAll(async () => {
  vault = await startTestVault();
  camille = await signIn(vault, 'camille');
  for (const [index, category] of CATEGORIES.entries()) {
    const response = await postParts(vault, camille, uploadParts({ category, title: `Document n° ${index + 1} – été`, fileName: `doc-${index + 1}.pdf`, data: Buffer.from(`%PDF-1.7\n${index}`) }));
    expect(response.status).toBe(201);
    uploaded.push({ id: response.body.id, category, title: response.body.title });
    // Distinct creation times make "newest first" one exact order.
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
});

afterAll(async () => {
  await vault?.destroy();
});

function list(query: string): request.Test {
  return request(vault.url).get(`/api/v1/documents${query}`).set('Cookie', camille.cookie);
}

describe('listing', () => {
  it('pages newest first with limit=2', async () => {
    const seen: string[] = [];
    const pageSizes: number[] = [];
    let query = '?limit=2';
    for (;;) {
      const response = await list(query);
      expect(response.status).toBe(200);
      expect(response.headers['cache-control']).toBe('no-store');
      pageSizes.push(response.body.items.length);
      seen.push(...response.body.items.map((item: { id: string }) => item.id));
      if (response.body.nextCursor === null) break;
      expect(response.body.nextCursor).toMatch(/^[A-Za-z0-9_-]+$/);
      query = `?limit=2&cursor=${response.body.nextCursor}`;
    }
    expect(pageSizes).toEqual([2, 2, 1]);
    expect(seen).toEqual(uploaded.map((document) => document.id).reverse());
  });

  it('decrypts titles and file names', async () => {
    const response = await list('');
    expect(response.body.items).toHaveLength(5);
    expect(response.body.nextCursor).toBeNull();
    expect(response.body.items[0]).toEqual({
      id: uploaded[4]!.id,
      category: 'medical',
      title: 'Document n° 5 – été',
      fileName: 'doc-5.pdf',
      mediaType: 'application/pdf',
      sizeBytes: 10,
      createdAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/),
    });
  });

  it('filters by category', async () => {
    const response = await list('?category=medical');
    expect(response.status).toBe(200);
    expect(response.body.items.map((item: { id: string }) => item.id)).toEqual(
      uploaded.filter((document) => document.category === 'medical').map((document) => document.id).reverse(),
    );
  });

  it('pages inside a category', async () => {
    const first = await list('?category=medical&limit=2');
    expect(first.body.items).toHaveLength(2);
    const second = await list(`?category=medical&limit=2&cursor=${first.body.nextCursor}`);
    expect(second.body.items).toHaveLength(1);
    expect(second.body.nextCursor).toBeNull();
  });

  it('returns an empty page for an empty category', async () => {
    const response = await list('?category=training');
    expect(response.body).toEqual({ items: [], nextCursor: null });
  });

  it('records the listing in the audit log', async () => {
    const entries = await auditEntries(vault, 'document.list');
    expect(entries.at(-1)).toEqual({ actor_id: camille.accountId, subject_id: camille.accountId, resource_id: null, outcome: 'allow', reason: null });
  });
});

describe('invalid queries', () => {
  it.each([
    ['?limit=abc', 'limit'],
    ['?limit=1&limit=2', 'limit'],
    ['?limit=0', 'limit'],
    ['?limit=201', 'limit'],
    ['?limit=-1', 'limit'],
    ['?limit=1.5', 'limit'],
    ['?cursor=abc', 'cursor'],
    ['?cursor=a&cursor=b', 'cursor'],
    [`?cursor=${Buffer.from('["2026-01-01T00:00:00.000Z","x"]').toString('base64url')}`, 'cursor'],
    ['?category=medical&category=other', 'category'],
    ['?owner=someone', 'owner'],
  ])('%s answers 400 validation_failed naming %s', async (query, field) => {
    const response = await list(query);
    expect(response.status).toBe(400);
    expect(response.body.code).toBe('validation_failed');
    expect(response.body.title).toBe('Requête invalide');
    expect(response.body.detail).toContain(`« ${field} »`);
  });

  it('unknown category answers 422 category_unknown', async () => {
    const response = await list('?category=secret');
    expect(response.status).toBe(422);
    expect(response.body.code).toBe('category_unknown');
  });

  it('accepts limit=200', async () => {
    await list('?limit=200').expect(200);
  });

  it('records refused queries as denials', async () => {
    await list('?limit=abc').expect(400);
    expect((await auditEntries(vault, 'document.list')).at(-1)).toMatchObject({ outcome: 'deny', reason: 'validation_failed' });
  });
});
