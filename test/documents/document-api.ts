import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import pg from 'pg';
import request from 'supertest';

import type { TestVault } from '../support/test-vault.js';

/** Any running vault: a test vault, or one started another way. */
type VaultAddress = { url: string };
/** A signed-in client, from `signIn` or `openSession`. */
type ClientSession = { cookie: string; csrfToken: string };

export const FIXTURES = fileURLToPath(new URL('../fixtures/', import.meta.url));

/** The six accepted specimens, with the category each belongs to and the type their bytes have. */
export const SPECIMENS = [
  { file: 'notification-rqth.pdf', category: 'decision_mdph', mediaType: 'application/pdf' },
  { file: 'notification-aah.pdf', category: 'decision_mdph', mediaType: 'application/pdf' },
  { file: 'notification-pch.pdf', category: 'decision_mdph', mediaType: 'application/pdf' },
  { file: 'dossier-mdph-complet.pdf', category: 'decision_mdph', mediaType: 'application/pdf' },
  { file: 'certificat-medical-scan.jpg', category: 'medical', mediaType: 'image/jpeg' },
  { file: 'photo-justificatif.png', category: 'other', mediaType: 'image/png' },
] as const;

export function fixture(name: string): Buffer {
  return readFileSync(path.join(FIXTURES, name));
}

/** One part of a hand-built multipart body. */
export type Part =
  | { name: string; value: string }
  | { name: string; fileName: string; contentType: string; data: Buffer };

/**
 * Builds a multipart/form-data body byte by byte, so a test controls the
 * order of parts, the claimed Content-Type and the raw UTF-8 file name.
 */
export function multipartBody(parts: Part[], boundary = `----coffre-test-${Math.random().toString(16).slice(2)}`): { body: Buffer; contentType: string } {
  const pieces: Buffer[] = [];
  for (const part of parts) {
    if ('value' in part) {
      pieces.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${part.name}"\r\n\r\n${part.value}\r\n`, 'utf8'));
    } else {
      pieces.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${part.name}"; filename="${part.fileName}"\r\nContent-Type: ${part.contentType}\r\n\r\n`, 'utf8'));
      pieces.push(part.data, Buffer.from('\r\n'));
    }
  }
  pieces.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(pieces), contentType: `multipart/form-data; boundary=${boundary}` };
}

/** Builds the usual upload parts: category, optional title, then the file. */
export function uploadParts(options: { category: string; fileName: string; data: Buffer; contentType?: string; title?: string }): Part[] {
  const parts: Part[] = [{ name: 'category', value: options.category }];
  if (options.title !== undefined) parts.push({ name: 'title', value: options.title });
  parts.push({ name: 'file', fileName: options.fileName, contentType: options.contentType ?? 'application/octet-stream', data: options.data });
  return parts;
}

export function postParts(vault: VaultAddress, session: ClientSession, parts: Part[]): request.Test {
  const { body, contentType } = multipartBody(parts);
  return request(vault.url)
    .post('/api/v1/documents')
    .set('Cookie', session.cookie)
    .set('X-CSRF-Token', session.csrfToken)
    .set('Content-Type', contentType)
    .send(body);
}

/** Uploads a specimen with its category and returns the created document. */
export async function uploadSpecimen(vault: VaultAddress, session: ClientSession, file: string, category: string, title?: string): Promise<{ id: string; title: string; fileName: string; [key: string]: unknown }> {
  const response = await postParts(vault, session, uploadParts({ category, fileName: file, data: fixture(file), ...(title !== undefined ? { title } : {}) }));
  if (response.status !== 201) throw new Error(`upload of ${file} answered ${response.status}: ${response.text}`);
  return response.body;
}

/** GET with the session's cookie, buffering the body as bytes. */
export function getBytes(vault: VaultAddress, session: ClientSession | null, pathname: string): request.Test {
  const test = request(vault.url).get(pathname);
  if (session) test.set('Cookie', session.cookie);
  return test.buffer(true).parse((res, callback) => {
    const chunks: Buffer[] = [];
    res.on('data', (chunk: Buffer) => chunks.push(chunk));
    res.on('end', () => callback(null, Buffer.concat(chunks)));
  });
}

/** Decodes the RFC 5987 `filename*` parameter of a Content-Disposition header. */
export function extendedFileName(header: string | undefined): string | undefined {
  const match = /filename\*=UTF-8''([^;\s]+)/i.exec(header ?? '');
  return match ? decodeURIComponent(match[1]!) : undefined;
}

/** Runs SQL as the superuser on the vault's database, outside the vault's own pool. */
export async function superuserQuery<Row extends pg.QueryResultRow = pg.QueryResultRow>(vault: TestVault, text: string, values: unknown[] = []): Promise<Row[]> {
  const client = new pg.Client({ connectionString: vault.databaseUrl });
  await client.connect();
  try {
    return (await client.query<Row>(text, values)).rows;
  } finally {
    await client.end();
  }
}

/** Rows in documents and document_chunks, counted as the superuser. */
export async function countStoredRows(vault: TestVault): Promise<{ documents: number; chunks: number }> {
  const [row] = await superuserQuery<{ documents: number; chunks: number }>(
    vault,
    'select (select count(*) from documents) as documents, (select count(*) from document_chunks) as chunks',
  );
  // The vault's pool module makes node-postgres parse bigint as a number.
  return { documents: Number(row!.documents), chunks: Number(row!.chunks) };
}

/** Audit entries of an action, oldest first. */
export async function auditEntries(vault: TestVault, action: string): Promise<Array<{ actor_id: string; subject_id: string; resource_id: string | null; outcome: string; reason: string | null }>> {
  return superuserQuery(vault, 'select actor_id, subject_id, resource_id, outcome, reason from audit_events where action = $1 order by time, chain, seq', [action]);
}

/** Waits until `check` returns true, polling every 50 ms for at most `timeoutMs`. */
export async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs = 3000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return true;
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
