import { createHash } from 'node:crypto';

import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { signIn, type SignedIn } from '../support/sign-in.js';
import { startTestVault, type TestVault } from '../support/test-vault.js';
import {
  SPECIMENS,
  auditEntries,
  extendedFileName,
  fixture,
  getBytes,
  postParts,
  superuserQuery,
  uploadParts,
  uploadSpecimen,
} from './document-api.js';

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
const UNICODE_NAME = 'Décision « RQTH » – été 2026 €.pdf';

let vault: TestVault;
let camille: SignedIn;

beforeAll(async () => {
  vault = await startTestVault();
  camille = await signIn(vault, 'camille');
});

afterAll(async () => {
  await vault?.destroy();
});

describe('specimen round trip', () => {
  it.each(SPECIMENS)('$file downloads byte-identical', async ({ file, category, mediaType }) => {
    const original = fixture(file);
    const created = await uploadSpecimen(vault, camille, file, category);

    expect(created).toMatchObject({ category, mediaType, fileName: file, title: file.replace(/\.[^.]+$/, ''), sizeBytes: original.length });
    expect(created.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(Date.parse(created.createdAt as string)).not.toBeNaN();

    const response = await getBytes(vault, camille, `/api/v1/documents/${created.id}/content`);
    expect(response.status).toBe(200);
    expect(sha256(response.body)).toBe(sha256(original));
    expect(response.headers['content-type']).toBe(mediaType);
    expect(response.headers['content-length']).toBe(String(original.length));
    // An ASCII name needs no `filename*`: the plain parameter carries it.
    expect(response.headers['content-disposition']).toMatch(new RegExp(`^attachment; filename="?${file.replace(/\./g, '\\.')}"?$`));
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.headers['cache-control']).toBe('no-store');
    expect(response.headers.etag).toBeUndefined();
  });
});

describe('Unicode file name', () => {
  it('survives upload, metadata and Content-Disposition', async () => {
    const data = fixture('notification-pch.pdf');
    const response = await postParts(vault, camille, uploadParts({ category: 'decision_mdph', fileName: UNICODE_NAME, data, contentType: 'application/pdf' }));
    expect(response.status).toBe(201);
    expect(response.body.fileName).toBe(UNICODE_NAME);
    expect(response.body.title).toBe('Décision « RQTH » – été 2026 €');

    const metadata = await request(vault.url).get(`/api/v1/documents/${response.body.id}`).set('Cookie', camille.cookie);
    expect(metadata.status).toBe(200);
    expect(metadata.body.fileName).toBe(UNICODE_NAME);

    const download = await getBytes(vault, camille, `/api/v1/documents/${response.body.id}/content`);
    expect(download.status).toBe(200);
    expect(extendedFileName(download.headers['content-disposition'])).toBe(UNICODE_NAME);
    expect(sha256(download.body)).toBe(sha256(data));
  });
});

describe('upload fields', () => {
  it('keeps a title sent before the file', async () => {
    const response = await postParts(vault, camille, uploadParts({ category: 'employment', title: '  Attestation « RQTH » – 2026 €  ', fileName: 'a.pdf', data: fixture('notification-aah.pdf') }));
    expect(response.status).toBe(201);
    expect(response.body.title).toBe('Attestation « RQTH » – 2026 €');
  });

  it('applies a title sent after the file', async () => {
    const response = await postParts(vault, camille, [
      { name: 'category', value: 'training' },
      { name: 'file', fileName: 'scan.jpg', contentType: 'image/jpeg', data: fixture('certificat-medical-scan.jpg') },
      { name: 'title', value: 'Titre envoyé après le fichier' },
    ]);
    expect(response.status).toBe(201);
    expect(response.body.title).toBe('Titre envoyé après le fichier');

    const metadata = await request(vault.url).get(`/api/v1/documents/${response.body.id}`).set('Cookie', camille.cookie);
    expect(metadata.body.title).toBe('Titre envoyé après le fichier');
  });

  it('answers 201 with Location and the declared fields only', async () => {
    const response = await postParts(vault, camille, uploadParts({ category: 'identity', fileName: 'piece.png', data: fixture('photo-justificatif.png') }));
    expect(response.status).toBe(201);
    expect(response.headers.location).toBe(`/api/v1/documents/${response.body.id}`);
    expect(Object.keys(response.body).sort()).toEqual(['category', 'createdAt', 'fileName', 'id', 'mediaType', 'sizeBytes', 'title']);
  });
});

describe('audit of uploads and downloads', () => {
  it('records allow entries with the document id', async () => {
    const created = await uploadSpecimen(vault, camille, 'notification-rqth.pdf', 'decision_mdph', 'Notification RQTH confidentielle');
    await getBytes(vault, camille, `/api/v1/documents/${created.id}/content`).expect(200);

    const uploads = (await auditEntries(vault, 'document.upload')).filter((entry) => entry.resource_id === created.id);
    expect(uploads).toEqual([{ actor_id: camille.accountId, subject_id: camille.accountId, resource_id: created.id, outcome: 'allow', reason: null }]);
    const downloads = (await auditEntries(vault, 'document.download')).filter((entry) => entry.resource_id === created.id);
    expect(downloads).toEqual([{ actor_id: camille.accountId, subject_id: camille.accountId, resource_id: created.id, outcome: 'allow', reason: null }]);
  });

  it('keeps titles and file names out of every entry', async () => {
    const secrets = ['Notification RQTH confidentielle', 'notification-rqth', UNICODE_NAME, 'Décision « RQTH »', ...SPECIMENS.map((specimen) => specimen.file)];
    const rows = await superuserQuery<{ canonical: Buffer }>(vault, 'select canonical from audit_events');
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) {
      for (const secret of secrets) expect(row.canonical.includes(Buffer.from(secret, 'utf8'))).toBe(false);
    }
  });
});

describe('plaintext at rest', () => {
  it('appears in no document or chunk row', async () => {
    const title = 'Titre secret du dossier MDPH';
    await uploadSpecimen(vault, camille, 'dossier-mdph-complet.pdf', 'decision_mdph', title);

    const needles: Buffer[] = [Buffer.from(title, 'utf8'), Buffer.from('dossier-mdph-complet.pdf', 'utf8'), Buffer.from(UNICODE_NAME, 'utf8')];
    for (const file of ['certificat-medical-scan.jpg', 'photo-justificatif.png', 'dossier-mdph-complet.pdf']) {
      const bytes = fixture(file);
      for (const fraction of [0, 0.1, 0.37, 0.5, 0.81, 0.99]) {
        const offset = Math.min(Math.floor(bytes.length * fraction), bytes.length - 32);
        needles.push(bytes.subarray(offset, offset + 32));
      }
    }

    for (const needle of needles) {
      const [row] = await superuserQuery<{ documents: number; chunks: number }>(
        vault,
        `select
           (select count(*) from documents where position($1::bytea in wrapped_key) > 0 or position($1::bytea in stream_header) > 0
              or position($1::bytea in title_sealed) > 0 or position($1::bytea in file_name_sealed) > 0
              or position($1::bytea in convert_to(documents::text, 'UTF8')) > 0) as documents,
           (select count(*) from document_chunks where position($1::bytea in data) > 0) as chunks`,
        [needle],
      );
      expect({ needle: needle.toString('hex'), ...row }).toEqual({ needle: needle.toString('hex'), documents: 0, chunks: 0 });
    }
  });
});
