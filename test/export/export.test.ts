import { createHash } from 'node:crypto';

import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { fixture, getBytes, postParts, SPECIMENS, superuserQuery, uploadParts, uploadSpecimen } from '../documents/document-api.js';
import { auditRows, createGrant, devPartner, partnerRequest, postJson, tokenFor, type TestPartner } from '../grants/grant-api.js';
import { signIn, type SignedIn } from '../support/sign-in.js';
import { startTestVault, type TestVault } from '../support/test-vault.js';
import { readZip, unzipTest, type ReadEntry } from './zip-reader.js';

const METADATA_FILES = ['manifest.json', 'documents.csv', 'partages.csv', 'demandes.csv', 'historique.csv'];
const MESSAGE = 'Bonjour, pouvez-vous partager votre notification RQTH ?';

let vault: TestVault;
let camille: SignedIn;
let dominique: SignedIn;
let capEmploi: TestPartner;

beforeAll(async () => {
  vault = await startTestVault();
  camille = await signIn(vault, 'camille');
  dominique = await signIn(vault, 'dominique');
  capEmploi = await devPartner(vault, 'cap-emploi-de-nulle-part');
});

afterAll(async () => {
  await vault?.destroy();
});

async function exportAs(session: SignedIn | null, headers: Record<string, string> = {}): Promise<request.Response> {
  const test = getBytes(vault, session, '/api/v1/export');
  for (const [name, value] of Object.entries(headers)) test.set(name, value);
  return test;
}

function entryNamed(entries: ReadEntry[], name: string): ReadEntry {
  const entry = entries.find((candidate) => candidate.name === name);
  if (!entry) throw new Error(`no entry ${name} in ${entries.map((candidate) => candidate.name).join(', ')}`);
  return entry;
}

/** Parses a CSV file of the export, which starts with a BOM and ends rows with CRLF. Quoted fields may contain commas. */
function csvRows(entry: ReadEntry): string[][] {
  const text = entry.data.toString('utf8');
  expect(text.startsWith('\uFEFF')).toBe(true);
  const rows: string[][] = [];
  for (const line of text.slice(1).split('\r\n').filter((row) => row !== '')) {
    rows.push([...line.matchAll(/("([^"]|"")*"|[^,]*)(,|$)/g)].map((match) => match[1]!.replace(/^"|"$/g, '').replaceAll('""', '"')).slice(0, -1));
  }
  return rows;
}

describe('GET /api/v1/export of an empty vault', () => {
  it('contains the explanation and empty lists', async () => {
    const response = await exportAs(dominique);

    expect(response.status).toBe(200);
    const { entries } = readZip(response.body);
    expect(entries.map((entry) => entry.name)).toEqual(['LISEZ-MOI.txt', ...METADATA_FILES]);
    const manifest = JSON.parse(entryNamed(entries, 'manifest.json').data.toString('utf8'));
    expect(manifest).toMatchObject({ format: 'coffre-export/1', person: { id: dominique.accountId }, documents: [], grants: [], accessRequests: [], accessHistory: [] });
    expect(csvRows(entryNamed(entries, 'documents.csv'))).toHaveLength(1);
    expect(entryNamed(entries, 'LISEZ-MOI.txt').data.toString('utf8')).toContain('vos 0 document(s)');
  });
});

describe('GET /api/v1/export of a full vault', () => {
  let archive: Buffer;
  let response: request.Response;
  let entries: ReadEntry[];
  let auditSeqBefore: number;
  const uploaded: Array<{ id: string; file: string; archivePath: string }> = [];

  beforeAll(async () => {
    for (const specimen of SPECIMENS) {
      const document = await uploadSpecimen(vault, camille, specimen.file, specimen.category);
      uploaded.push({ id: document.id, file: specimen.file, archivePath: `documents/${specimen.file}` });
    }
    // Same name twice more, once with other letter case, and an unsafe name.
    for (const [fileName, archivePath] of [
      ['certificat-medical-scan.jpg', 'documents/certificat-medical-scan (2).jpg'],
      ['Certificat-Medical-Scan.JPG', 'documents/Certificat-Medical-Scan (3).JPG'],
      ['a..b:c', 'documents/a.b_c.jpg'],
    ] as const) {
      const created = await postParts(vault, camille, uploadParts({ category: 'medical', fileName, data: fixture('certificat-medical-scan.jpg') }));
      expect(created.status).toBe(201);
      uploaded.push({ id: created.body.id, file: 'certificat-medical-scan.jpg', archivePath });
    }
    await uploadSpecimen(vault, dominique, 'notification-aah.pdf', 'decision_mdph', 'Document de Dominique');

    // A grant that the partner reads once, and a pending access request with a message.
    const grant = await createGrant(vault, camille, { partnerId: capEmploi.id, purpose: 'other', purposeText: 'Bilan de compétences', categories: ['decision_mdph'] });
    const token = await tokenFor(vault, capEmploi);
    const read = await partnerRequest(vault, 'get', `/partner/v1/grants/${grant.id}/documents/${uploaded[0]!.id}/content`, token);
    expect(read.status).toBe(200);
    const code = (await postJson(vault, camille, '/api/v1/sharing-codes').expect(201)).body.code as string;
    const sent = await partnerRequest(vault, 'post', '/partner/v1/access-requests', token)
      .set('Content-Type', 'application/json')
      .send(JSON.stringify({ sharingCode: code, purpose: 'training_access', categories: ['training'], requestedDurationDays: 30, message: MESSAGE }));
    expect(sent.status).toBe(201);

    auditSeqBefore = Math.max(0, ...(await auditRows(vault, 'account.export')).map((row) => row.seq));
    response = await exportAs(camille);
    archive = response.body;
    entries = readZip(archive).entries;
  });

  it('answers a ZIP attachment', () => {
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('application/zip');
    expect(response.headers['content-disposition']).toMatch(/^attachment; filename=coffre-export-\d{4}-\d{2}-\d{2}\.zip$/);
    expect(response.headers['cache-control']).toBe('no-store');
    expect(response.headers['x-content-type-options']).toBe('nosniff');
  });

  it('passes unzip -t when unzip is installed', async () => {
    const result = await unzipTest(archive);
    if (result === null) return;
    expect(result.output).toContain('No errors detected');
    expect(result.ok).toBe(true);
  });

  it('lists the files in order', () => {
    expect(entries.map((entry) => entry.name)).toEqual(['LISEZ-MOI.txt', ...uploaded.map((document) => document.archivePath), ...METADATA_FILES]);
  });

  it('holds every document byte for byte', () => {
    for (const document of uploaded) {
      const entry = entryNamed(entries, document.archivePath);
      expect(entry.data.equals(fixture(document.file)), document.archivePath).toBe(true);
      expect(entry.method).toBe(0);
    }
  });

  it('leaves out another person\'s documents', async () => {
    const [row] = await superuserQuery<{ id: string }>(vault, 'select id from documents where owner_id = $1', [dominique.accountId]);
    const manifestText = entryNamed(entries, 'manifest.json').data.toString('utf8');

    expect(manifestText).not.toContain(row!.id);
    expect(manifestText).not.toContain('Document de Dominique');
    expect(entries.filter((entry) => entry.name.startsWith('documents/'))).toHaveLength(uploaded.length);
  });

  it('describes documents in the manifest', () => {
    const manifest = JSON.parse(entryNamed(entries, 'manifest.json').data.toString('utf8'));

    expect(manifest.format).toBe('coffre-export/1');
    expect(manifest.person).toEqual({ id: camille.accountId });
    expect(manifest.documents.map((document: { id: string }) => document.id)).toEqual(uploaded.map((document) => document.id));
    const unsafe = manifest.documents.find((document: { id: string }) => document.id === uploaded.at(-1)!.id);
    expect(unsafe).toMatchObject({ fileName: 'a..b:c', archivePath: 'documents/a.b_c.jpg', title: 'a.', mediaType: 'image/jpeg', category: 'medical', categoryLabel: 'Documents médicaux' });
    for (const document of manifest.documents) {
      expect(document.sha256).toBe(createHashOf(entryNamed(entries, document.archivePath).data));
    }
  });

  it('describes grants, requests and history in the manifest', () => {
    const manifest = JSON.parse(entryNamed(entries, 'manifest.json').data.toString('utf8'));

    expect(manifest.grants).toHaveLength(1);
    expect(manifest.grants[0]).toMatchObject({
      partner: { id: capEmploi.id, name: capEmploi.name },
      purpose: 'other',
      purposeText: 'Bilan de compétences',
      status: 'active',
      revokedAt: null,
    });
    expect(manifest.grants[0].startsAt).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    expect(manifest.grants[0].endsAt).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    expect(manifest.accessRequests).toHaveLength(1);
    expect(manifest.accessRequests[0]).toMatchObject({ partner: { id: capEmploi.id, name: capEmploi.name }, purpose: 'training_access', message: MESSAGE, status: 'pending' });
    const kinds = manifest.accessHistory.map((item: { kind: string }) => item.kind);
    expect(kinds).toContain('document_download');
    expect(kinds).toContain('grant_created');
    expect(kinds).toContain('access_request');
    const download = manifest.accessHistory.find((item: { kind: string }) => item.kind === 'document_download');
    expect(download).toMatchObject({ partner: { id: capEmploi.id, name: capEmploi.name }, document: { id: uploaded[0]!.id }, outcome: 'allow' });
  });

  it('repeats the manifest in CSV files', () => {
    const documents = csvRows(entryNamed(entries, 'documents.csv'));
    expect(documents[0]).toEqual(['Identifiant', 'Titre', 'Nom du fichier', 'Chemin dans l\'archive', 'Catégorie', 'Type', 'Taille (octets)', 'SHA-256', 'Date d\'ajout']);
    expect(documents.slice(1).map((row) => row[0])).toEqual(uploaded.map((document) => document.id));
    expect(documents[1]![3]).toBe('documents/notification-rqth.pdf');
    expect(documents[1]![6]).toBe(String(fixture('notification-rqth.pdf').length));

    const grants = csvRows(entryNamed(entries, 'partages.csv'));
    expect(grants).toHaveLength(2);
    expect(grants[1]!.slice(1, 5)).toEqual([capEmploi.name, capEmploi.id, 'Autre finalité', 'Bilan de compétences']);
    expect(grants[1]![10]).toBe('Actif');

    const requests = csvRows(entryNamed(entries, 'demandes.csv'));
    expect(requests).toHaveLength(2);
    expect(requests[1]![6]).toBe(MESSAGE);
    expect(requests[1]![8]).toBe('En attente');

    const history = csvRows(entryNamed(entries, 'historique.csv'));
    expect(history[0]![0]).toBe('Date');
    expect(history.some((row) => row[1] === 'Un partenaire a téléchargé un de vos documents' && row[5] === uploaded[0]!.id)).toBe(true);
  });

  it('explains the archive in French', () => {
    const text = entryNamed(entries, 'LISEZ-MOI.txt').data.toString('utf8');

    expect(text).toContain(`vos ${uploaded.length} document(s)`);
    expect(text).toContain('« certificat (2).pdf »');
    expect(text).toContain('ne sont pas chiffrés');
    expect(text).toContain(camille.accountId);
  });

  it('is recorded once with ids only', async () => {
    const rows = (await auditRows(vault, 'account.export')).filter((row) => row.seq > auditSeqBefore);

    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ actor_type: 'person', actor_id: camille.accountId, subject_id: camille.accountId, resource_id: camille.accountId, outcome: 'allow', reason: null });
    const [stored] = await superuserQuery<{ canonical: Buffer }>(vault, 'select canonical from audit_events where seq = $1', [rows[0]!.seq]);
    expect(stored!.canonical.toString('utf8')).not.toContain('certificat');
  });

  it('adds an English explanation on request', async () => {
    const english = await exportAs(camille, { 'Accept-Language': 'en' });
    const englishEntries = readZip(english.body).entries;

    expect(englishEntries.map((entry) => entry.name).slice(0, 2)).toEqual(['LISEZ-MOI.txt', 'README.txt']);
    expect(csvRows(entryNamed(englishEntries, 'partages.csv'))[1]![10]).toBe('Active');
  });
});

describe('GET /api/v1/export refusals', () => {
  it('rejects an anonymous request', async () => {
    const before = (await auditRows(vault, 'account.export')).length;
    const response = await request(vault.url).get('/api/v1/export');

    expect(response.status).toBe(401);
    expect(response.body.code).toBe('unauthenticated');
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect((await auditRows(vault, 'account.export')).length).toBe(before);
  });

  it('rejects a partner access token', async () => {
    const token = await tokenFor(vault, capEmploi);
    const response = await request(vault.url).get('/api/v1/export').set('Authorization', `Bearer ${token}`);

    expect(response.status).toBe(401);
    expect(response.body.code).toBe('unauthenticated');
    expect(response.headers['content-disposition']).toBeUndefined();
  });

  it('rejects a staff session and records it', async () => {
    const dpo = await signIn(vault, 'dpo');
    const response = await request(vault.url).get('/api/v1/export').set('Cookie', dpo.cookie);

    expect(response.status).toBe(403);
    expect(response.body.code).toBe('forbidden');
    expect((await auditRows(vault, 'account.export')).at(-1)).toMatchObject({ actor_id: dpo.accountId, outcome: 'deny', reason: 'role_not_allowed' });
  });

  it('sends nothing when the audit log cannot be written', async () => {
    await superuserQuery(vault, 'revoke insert on audit_events from coffre_runtime');
    try {
      const response = await exportAs(camille);

      expect(response.status).toBe(503);
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(response.headers['content-disposition']).toBeUndefined();
      expect(JSON.parse(response.body.toString('utf8')).code).toBe('audit_unavailable');
    } finally {
      await superuserQuery(vault, 'grant insert on audit_events to coffre_runtime');
    }
  });
});

function createHashOf(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}
