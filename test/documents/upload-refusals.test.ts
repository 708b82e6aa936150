import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { UPLOADS_PER_WINDOW } from '../../server/documents/document.routes.js';
import { openSession } from '../support/open-session.js';
import { signIn, type SignedIn } from '../support/sign-in.js';
import { startTestVault, type TestVault } from '../support/test-vault.js';
import { auditEntries, countStoredRows, fixture, multipartBody, postParts, uploadParts, type Part } from './document-api.js';

let vault: TestVault;
let camille: SignedIn;
// Uploads are rate-limited per account, so the form cases use a second one.
let dominique: SignedIn;

beforeAll(async () => {
  vault = await startTestVault();
  camille = await signIn(vault, 'camille');
  dominique = await signIn(vault, 'dominique');
});

afterAll(async () => {
  await vault?.destroy();
});

const REFUSED = [
  { file: 'empty.pdf', status: 422, code: 'file_empty', title: 'Fichier vide' },
  { file: 'executable-renamed.pdf', status: 415, code: 'file_type_not_accepted', title: 'Type de fichier refusé' },
  { file: 'html-as-image.png', status: 415, code: 'file_type_not_accepted', title: 'Type de fichier refusé' },
  { file: 'image.svg', status: 415, code: 'file_type_not_accepted', title: 'Type de fichier refusé' },
];
const CLAIMED_TYPES = ['application/pdf', 'image/png'];
const CASES = REFUSED.flatMap((refused) => CLAIMED_TYPES.map((claimed) => ({ ...refused, claimed })));

describe('refused specimens', () => {
  it.each(CASES)('$file sent as $claimed answers $status $code', async ({ file, claimed, status, code, title }) => {
    const denialsBefore = (await auditEntries(vault, 'document.upload')).length;

    const response = await postParts(vault, camille, uploadParts({ category: 'medical', fileName: file, contentType: claimed, data: fixture(`refused/${file}`) }));

    expect(response.status).toBe(status);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.body.code).toBe(code);
    expect(response.body.title).toBe(title);
    expect(response.body.detail).toEqual(expect.any(String));
    expect(await countStoredRows(vault)).toEqual({ documents: 0, chunks: 0 });

    const entries = await auditEntries(vault, 'document.upload');
    expect(entries).toHaveLength(denialsBefore + 1);
    expect(entries.at(-1)).toEqual({ actor_id: camille.accountId, subject_id: camille.accountId, resource_id: null, outcome: 'deny', reason: code });
  });
});

/** Sends a hand-built body and checks the refusal and that nothing was stored. */
async function expectRefused(parts: Part[] | { body: Buffer; contentType: string }, status: number, code: string, title: string) {
  const { body, contentType } = Array.isArray(parts) ? multipartBody(parts) : parts;
  const response = await request(vault.url)
    .post('/api/v1/documents')
    .set('Cookie', dominique.cookie)
    .set('X-CSRF-Token', dominique.csrfToken)
    .set('Content-Type', contentType)
    .send(body);
  expect(response.status).toBe(status);
  expect(response.body.code).toBe(code);
  expect(response.body.title).toBe(title);
  expect(await countStoredRows(vault)).toEqual({ documents: 0, chunks: 0 });
  return response;
}

const pdf = () => fixture('notification-rqth.pdf');

describe('refused forms', () => {
  it('form without a file answers file_missing', async () => {
    await expectRefused([{ name: 'category', value: 'medical' }], 400, 'file_missing', 'Fichier manquant');
  });

  it('empty file input answers file_missing', async () => {
    await expectRefused([{ name: 'category', value: 'medical' }, { name: 'file', fileName: '', contentType: 'application/octet-stream', data: Buffer.alloc(0) }], 400, 'file_missing', 'Fichier manquant');
  });

  it('unknown category answers category_unknown', async () => {
    const response = await expectRefused(uploadParts({ category: 'secret', fileName: 'a.pdf', data: pdf() }), 422, 'category_unknown', 'Catégorie inconnue');
    expect(response.body.detail).toContain('decision_mdph');
  });

  it('category after the file answers category_missing', async () => {
    const response = await expectRefused(
      [{ name: 'file', fileName: 'a.pdf', contentType: 'application/pdf', data: pdf() }, { name: 'category', value: 'medical' }],
      400,
      'category_missing',
      'Catégorie manquante',
    );
    expect(response.body.detail).toContain('avant le fichier');
  });

  it('title over 200 characters answers validation_failed', async () => {
    const response = await expectRefused(uploadParts({ category: 'medical', title: 'é'.repeat(201), fileName: 'a.pdf', data: pdf() }), 400, 'validation_failed', 'Requête invalide');
    expect(response.body.detail).toContain('« title »');
  });

  it('title of 200 characters is accepted', async () => {
    const response = await postParts(vault, dominique, uploadParts({ category: 'medical', title: 'é'.repeat(200), fileName: 'a.pdf', data: pdf() }));
    expect(response.status).toBe(201);
    await request(vault.url).delete(`/api/v1/documents/${response.body.id}`).set('Cookie', dominique.cookie).set('X-CSRF-Token', dominique.csrfToken).expect(204);
  });

  it('title with a line break answers validation_failed', async () => {
    await expectRefused(uploadParts({ category: 'medical', title: 'ligne 1\nligne 2', fileName: 'a.pdf', data: pdf() }), 400, 'validation_failed', 'Requête invalide');
  });

  it('unknown field answers validation_failed', async () => {
    const response = await expectRefused(
      [{ name: 'category', value: 'medical' }, { name: 'owner', value: 'someone-else' }, { name: 'file', fileName: 'a.pdf', contentType: 'application/pdf', data: pdf() }],
      400,
      'validation_failed',
      'Requête invalide',
    );
    expect(response.body.detail).toContain('« owner »');
  });

  it('repeated category answers validation_failed', async () => {
    await expectRefused(
      [{ name: 'category', value: 'medical' }, { name: 'category', value: 'other' }, { name: 'file', fileName: 'a.pdf', contentType: 'application/pdf', data: pdf() }],
      400,
      'validation_failed',
      'Requête invalide',
    );
  });

  it('file in another field answers validation_failed', async () => {
    await expectRefused([{ name: 'category', value: 'medical' }, { name: 'document', fileName: 'a.pdf', contentType: 'application/pdf', data: pdf() }], 400, 'validation_failed', 'Requête invalide');
  });

  it('second file answers upload_malformed', async () => {
    await expectRefused(
      [...uploadParts({ category: 'medical', fileName: 'a.pdf', data: pdf() }), { name: 'file', fileName: 'b.pdf', contentType: 'application/pdf', data: pdf() }],
      400,
      'upload_malformed',
      'Envoi illisible',
    );
  });

  it('body cut before the closing boundary answers upload_malformed', async () => {
    const { body, contentType } = multipartBody(uploadParts({ category: 'medical', fileName: 'a.pdf', data: pdf() }));
    await expectRefused({ body: body.subarray(0, body.length - 200), contentType }, 400, 'upload_malformed', 'Envoi illisible');
  });

  it('multipart without a boundary answers upload_malformed', async () => {
    await expectRefused({ body: Buffer.from('nothing'), contentType: 'multipart/form-data' }, 400, 'upload_malformed', 'Envoi illisible');
  });

  it('JSON body answers upload_malformed', async () => {
    await expectRefused({ body: Buffer.from('{"category":"medical"}'), contentType: 'application/json' }, 400, 'upload_malformed', 'Envoi illisible');
  });

  it('urlencoded form answers upload_malformed', async () => {
    await expectRefused({ body: Buffer.from('category=medical'), contentType: 'application/x-www-form-urlencoded' }, 400, 'upload_malformed', 'Envoi illisible');
  });

  it('refusal answers in English on request', async () => {
    const { body, contentType } = multipartBody(uploadParts({ category: 'medical', fileName: 'x.pdf', data: fixture('refused/image.svg') }));
    const response = await request(vault.url)
      .post('/api/v1/documents')
      .set('Cookie', dominique.cookie)
      .set('X-CSRF-Token', dominique.csrfToken)
      .set('Accept-Language', 'en')
      .set('Content-Type', contentType)
      .send(body);
    expect(response.status).toBe(415);
    expect(response.body.title).toBe('File type not accepted');
  });
});

describe('rate limit', () => {
  it(`answers 429 after ${UPLOADS_PER_WINDOW} uploads in a minute`, async () => {
    // A fresh account, so the other cases' uploads do not count.
    const hurried = await openSession(vault, 'hurried-person');
    const formWithoutFile = [{ name: 'category', value: 'medical' }];
    for (let index = 0; index < UPLOADS_PER_WINDOW; index += 1) {
      expect((await postParts(vault, hurried, formWithoutFile)).status).toBe(400);
    }

    const response = await postParts(vault, hurried, uploadParts({ category: 'medical', fileName: 'a.pdf', data: pdf() }));
    expect(response.status).toBe(429);
    expect(response.body.code).toBe('rate_limited');
    expect(response.headers['retry-after']).toMatch(/^\d+$/);
    expect(await countStoredRows(vault)).toEqual({ documents: 0, chunks: 0 });

    // The limit is per account: another person still uploads.
    expect((await postParts(vault, camille, formWithoutFile)).status).toBe(400);
  });
});

describe('size limit', () => {
  const LIMIT = 100_000;
  let small: TestVault;
  let session: SignedIn;

  beforeAll(async () => {
    small = await startTestVault({ COFFRE_MAX_UPLOAD_BYTES: String(LIMIT) });
    session = await signIn(small, 'camille');
  });

  afterAll(async () => {
    await small?.destroy();
  });

  /** A PDF signature followed by padding, `size` bytes in all. */
  const pdfOfSize = (size: number) => Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(size - 9, 0x20)]);

  it('file over the limit answers 413 file_too_large', async () => {
    const response = await postParts(small, session, uploadParts({ category: 'medical', fileName: 'scan.jpg', data: fixture('certificat-medical-scan.jpg') }));
    expect(response.status).toBe(413);
    expect(response.body.code).toBe('file_too_large');
    expect(response.body.title).toBe('Fichier trop volumineux');
    expect(await countStoredRows(small)).toEqual({ documents: 0, chunks: 0 });
    expect((await auditEntries(small, 'document.upload')).at(-1)).toMatchObject({ outcome: 'deny', reason: 'file_too_large' });
  });

  it('file one byte over the limit answers 413', async () => {
    const response = await postParts(small, session, uploadParts({ category: 'medical', fileName: 'big.pdf', data: pdfOfSize(LIMIT + 1) }));
    expect(response.status).toBe(413);
    expect(await countStoredRows(small)).toEqual({ documents: 0, chunks: 0 });
  });

  it('file of exactly the limit is accepted', async () => {
    const response = await postParts(small, session, uploadParts({ category: 'medical', fileName: 'limit.pdf', data: pdfOfSize(LIMIT) }));
    expect(response.status).toBe(201);
    expect(response.body.sizeBytes).toBe(LIMIT);
  });
});
