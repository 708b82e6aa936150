import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { AuditKeySet } from '../../audit/checkpoint-message.js';
import { writeCheckpoints } from '../../audit/checkpoint-writer.js';
import { signErasureCertificate, verifyErasureCertificate, type ErasureCertificate } from '../../audit/erasure-certificate.js';
import { decryptContent, DecryptionFailed, unwrapDocumentKey, unwrapUserKey } from '../../crypto/index.js';
import { loadOrCreateSigningKey } from '../../server/audit/signing-key.repository.js';
import { fixture, getBytes, superuserQuery, uploadSpecimen } from '../documents/document-api.js';
import { auditRows, createGrant, devPartner, getAsPerson, partnerRequest, postJson, problemOf, tokenFor, type TestPartner } from '../grants/grant-api.js';
import { runtimeUrlFor } from '../support/empty-database.js';
import { signIn, type SignedIn } from '../support/sign-in.js';
import { startTestVault, type TestVault } from '../support/test-vault.js';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const TSX = path.join(ROOT, 'node_modules/.bin/tsx');
const CLI = path.join(ROOT, 'server/cli/certificate-verify.ts');

const SPECIMENS = [
  { file: 'notification-rqth.pdf', category: 'decision_mdph' },
  { file: 'notification-aah.pdf', category: 'decision_mdph' },
  { file: 'certificat-medical-scan.jpg', category: 'medical' },
] as const;

/** Rows of Camille's, copied before the erasure as a backup or a thief would hold them. */
interface Captured {
  userKey: { kek_id: string; wrapped_key: Buffer };
  documents: Array<{ id: string; wrapped_key: Buffer; stream_header: Buffer; file: string }>;
  chunks: Map<string, Buffer[]>;
}

let vault: TestVault;
let camille: SignedIn;
let dominique: SignedIn;
let capEmploi: TestPartner;
let capToken: string;
let grantId: string;
let captured: Captured;
let documentIds: string[];
let dominiqueDocumentId: string;
let folder: string;

beforeAll(async () => {
  vault = await startTestVault();
  folder = mkdtempSync(path.join(os.tmpdir(), 'coffre-erasure-test-'));
  camille = await signIn(vault, 'camille');
  dominique = await signIn(vault, 'dominique');
  capEmploi = await devPartner(vault, 'cap-emploi-de-nulle-part');
  capToken = await tokenFor(vault, capEmploi);

  documentIds = [];
  for (const specimen of SPECIMENS) documentIds.push((await uploadSpecimen(vault, camille, specimen.file, specimen.category)).id);
  dominiqueDocumentId = (await uploadSpecimen(vault, dominique, 'notification-pch.pdf', 'decision_mdph')).id;

  // An active grant that the partner reads through, a revoked one, and a pending access request.
  grantId = (await createGrant(vault, camille, { partnerId: capEmploi.id, purpose: 'employment_support', categories: ['decision_mdph'] })).id;
  const revoked = await createGrant(vault, camille, { partnerId: capEmploi.id, purpose: 'training_access', documentIds: [documentIds[2]] });
  await postJson(vault, camille, `/api/v1/grants/${revoked.id}/revoke`).expect(200);
  const code = (await postJson(vault, camille, '/api/v1/sharing-codes').expect(201)).body.code as string;
  await partnerRequest(vault, 'post', '/partner/v1/access-requests', capToken)
    .set('Content-Type', 'application/json')
    .send(JSON.stringify({ sharingCode: code, purpose: 'training_access', categories: ['training'], requestedDurationDays: 30, message: 'Bonjour Camille' }))
    .expect(201);
  const read = await partnerRequest(vault, 'get', `/partner/v1/grants/${grantId}/documents/${documentIds[0]}/content`, capToken);
  expect(read.status).toBe(200);

  captured = await captureRows(camille.accountId);
});

afterAll(async () => {
  await vault?.destroy();
  if (folder) rmSync(folder, { recursive: true, force: true });
});

async function captureRows(accountId: string): Promise<Captured> {
  const [userKey] = await superuserQuery<{ kek_id: string; wrapped_key: Buffer }>(vault, 'select kek_id, wrapped_key from user_keys where account_id = $1', [accountId]);
  const rows = await superuserQuery<{ id: string; wrapped_key: Buffer; stream_header: Buffer }>(vault, 'select id, wrapped_key, stream_header from documents where owner_id = $1', [accountId]);
  const chunks = new Map<string, Buffer[]>();
  for (const row of rows) {
    const data = await superuserQuery<{ data: Buffer }>(vault, 'select data from document_chunks where document_id = $1 order by index', [row.id]);
    chunks.set(row.id, data.map((chunk) => chunk.data));
  }
  const documents = rows.map((row) => ({ ...row, file: SPECIMENS[documentIds.indexOf(row.id)]!.file }));
  return { userKey: userKey!, documents, chunks };
}

async function decryptCaptured(documentKey: Uint8Array, document: Captured['documents'][number]): Promise<Buffer> {
  async function* chunks() {
    yield* captured.chunks.get(document.id)!;
  }
  const parts: Uint8Array[] = [];
  for await (const part of decryptContent(documentKey, document.id, document.stream_header, chunks())) parts.push(part);
  return Buffer.concat(parts);
}

function deleteMe(session: SignedIn, headers: Record<string, string> = {}): request.Test {
  const test = request(vault.url).delete('/api/v1/me').set('Cookie', session.cookie).set('X-CSRF-Token', session.csrfToken);
  for (const [name, value] of Object.entries(headers)) test.set(name, value);
  return test;
}

async function publishedKeys(): Promise<AuditKeySet> {
  return (await request(vault.url).get('/.well-known/coffre/audit-keys').expect(200)).body as AuditKeySet;
}

async function countRows(sql: string, values: unknown[]): Promise<number> {
  const [row] = await superuserQuery<{ count: string }>(vault, sql, values);
  return Number(row!.count);
}

/**
 * Scans every column of every table except the audit log and the account
 * row itself: text-like columns for the account id, bytea columns for the
 * given wrapped keys. Returns one line per column that still has a match.
 */
async function findRowsOf(accountId: string, wrappedKeys: readonly Buffer[]): Promise<string[]> {
  const columns = await superuserQuery<{ table_name: string; column_name: string; data_type: string }>(
    vault,
    `select table_name, column_name, data_type from information_schema.columns
      where table_schema = 'public' and table_name not in ('audit_events', 'audit_checkpoints', 'accounts', 'kysely_migration', 'kysely_migration_lock')`,
  );
  const found: string[] = [];
  for (const { table_name: table, column_name: column, data_type: type } of columns) {
    if (type === 'bytea') {
      for (const key of wrappedKeys) {
        if (await countRows(`select count(*) from "${table}" where position($1::bytea in "${column}") > 0`, [key])) found.push(`${table}.${column} has a wrapped key`);
      }
    } else if (await countRows(`select count(*) from "${table}" where position($1 in "${column}"::text) > 0`, [accountId])) {
      found.push(`${table}.${column} names the account`);
    }
  }
  return [...new Set(found)];
}

describe('captured rows before erasure', () => {
  it('decrypt with the master key', async () => {
    const userKey = await unwrapUserKey(vault.ctx.keys, { kekId: captured.userKey.kek_id, wrapped: captured.userKey.wrapped_key }, camille.accountId);
    for (const document of captured.documents) {
      const documentKey = await unwrapDocumentKey(userKey, document.wrapped_key, document.id);
      expect((await decryptCaptured(documentKey, document)).equals(fixture(document.file))).toBe(true);
    }
    expect(captured.documents).toHaveLength(SPECIMENS.length);
  });
});

describe('DELETE /api/v1/me refusals', () => {
  it('rejects a sign-in older than five minutes', async () => {
    await superuserQuery(vault, "update sessions set auth_time = now() - interval '6 minutes' where account_id = $1", [camille.accountId]);
    try {
      const french = await deleteMe(camille);
      expect(french.status).toBe(403);
      expect(french.body.code).toBe('reauthentication_required');
      expect(french.body.title).toBe('Nouvelle connexion nécessaire');
      expect(french.body.detail).toContain('reconnectez-vous');

      const english = await deleteMe(camille, { 'Accept-Language': 'en' });
      expect(english.status).toBe(403);
      expect(english.body.title).toBe('Sign in again');
    } finally {
      await superuserQuery(vault, 'update sessions set auth_time = now() where account_id = $1', [camille.accountId]);
    }

    const denials = (await auditRows(vault, 'account.erase')).filter((row) => row.outcome === 'deny');
    expect(denials).toHaveLength(2);
    expect(denials[0]).toMatchObject({ actor_id: camille.accountId, subject_id: camille.accountId, reason: 'reauthentication_required' });
    expect(await countRows('select count(*) from documents where owner_id = $1', [camille.accountId])).toBe(SPECIMENS.length);
    expect(await countRows('select count(*) from user_keys where account_id = $1', [camille.accountId])).toBe(1);
  });

  it('rejects a request without CSRF token', async () => {
    const response = await request(vault.url).delete('/api/v1/me').set('Cookie', camille.cookie);

    expect(response.status).toBe(403);
    expect(response.body.code).toBe('csrf_failed');
    expect(await countRows('select count(*) from accounts where id = $1 and erased_at is null', [camille.accountId])).toBe(1);
  });

  it('rejects an anonymous request', async () => {
    const response = await request(vault.url).delete('/api/v1/me');

    expect(response.status).toBe(401);
    expect(response.body.code).toBe('unauthenticated');
  });

  it('rejects a partner access token', async () => {
    const response = await request(vault.url).delete('/api/v1/me').set('Authorization', `Bearer ${capToken}`);

    expect(response.status).toBe(401);
    expect(response.body.code).toBe('unauthenticated');
    expect(await countRows('select count(*) from accounts where erased_at is not null', [])).toBe(0);
  });

  it('erases nothing when the audit log cannot be written', async () => {
    await superuserQuery(vault, 'revoke insert on audit_events from coffre_runtime');
    try {
      const response = await deleteMe(camille);

      expect(response.status).toBe(503);
      expect(response.body.code).toBe('audit_unavailable');
    } finally {
      await superuserQuery(vault, 'grant insert on audit_events to coffre_runtime');
    }
    expect(await countRows('select count(*) from documents where owner_id = $1', [camille.accountId])).toBe(SPECIMENS.length);
    expect(await countRows('select count(*) from user_keys where account_id = $1', [camille.accountId])).toBe(1);
    expect(await countRows('select count(*) from grants where person_id = $1', [camille.accountId])).toBe(2);
    expect(await countRows('select count(*) from accounts where id = $1 and erased_at is null', [camille.accountId])).toBe(1);
  });

  it('rejects a staff session', async () => {
    const dpo = await signIn(vault, 'dpo');
    const response = await deleteMe(dpo);

    expect(response.status).toBe(403);
    expect(response.body.code).toBe('forbidden');
    expect((await auditRows(vault, 'account.erase')).at(-1)).toMatchObject({ actor_id: dpo.accountId, outcome: 'deny', reason: 'role_not_allowed' });
    expect(await countRows('select count(*) from accounts where id = $1 and erased_at is null', [dpo.accountId])).toBe(1);
  });
});

describe('DELETE /api/v1/me', () => {
  let response: request.Response;
  let certificate: ErasureCertificate;

  beforeAll(async () => {
    response = await deleteMe(camille);
    certificate = response.body as ErasureCertificate;
  });

  it('returns the erasure certificate', () => {
    expect(response.status).toBe(200);
    expect(response.headers['cache-control']).toBe('no-store');
    expect(certificate).toMatchObject({
      format: 'coffre-erasure-certificate/1',
      personId: camille.accountId,
      destroyed: { documents: SPECIMENS.length, documentKeys: SPECIMENS.length, userKeys: 1, grants: 2, accessRequests: 1 },
    });
    expect(Date.now() - Date.parse(certificate.erasedAt)).toBeLessThan(60_000);
    expect(JSON.stringify(certificate)).not.toContain('notification');
  });

  it('matches its OpenAPI description', async () => {
    const served = (await request(vault.url).get('/openapi.json').expect(200)).body;
    const ajv = new Ajv2020({ strict: true, allErrors: true });
    addFormats.default(ajv);
    const validate = ajv.compile(served.paths['/api/v1/me'].delete.responses['200'].content['application/json'].schema);

    expect(validate(certificate), JSON.stringify(validate.errors)).toBe(true);
  });

  it('clears the session cookie', () => {
    const cookies = response.headers['set-cookie'] as unknown as string[];
    expect(cookies.some((cookie) => /^coffre_session=;/.test(cookie))).toBe(true);
  });

  it('records revocations, cancellation and erasure', async () => {
    const revocations = (await auditRows(vault, 'grant.revoke')).filter((row) => row.reason === 'account_erased');
    expect(revocations).toHaveLength(1);
    expect(revocations[0]).toMatchObject({ actor_id: camille.accountId, subject_id: camille.accountId, resource_id: grantId, grant_id: grantId, partner_id: capEmploi.id, outcome: 'allow' });

    const cancellations = await auditRows(vault, 'access_request.cancel');
    expect(cancellations).toHaveLength(1);
    expect(cancellations[0]).toMatchObject({ subject_id: camille.accountId, partner_id: capEmploi.id, outcome: 'allow', reason: 'account_erased' });

    const erasure = (await auditRows(vault, 'account.erase')).filter((row) => row.outcome === 'allow');
    expect(erasure).toHaveLength(1);
    expect(erasure[0]).toMatchObject({ actor_id: camille.accountId, subject_id: camille.accountId, resource_id: camille.accountId, reason: null });
    expect(certificate.auditEntry.seq).toBe(erasure[0]!.seq);
    const [entry] = await superuserQuery<{ hash: Buffer }>(vault, 'select hash from audit_events where seq = $1', [erasure[0]!.seq]);
    expect(certificate.auditEntry.hash).toBe(entry!.hash.toString('hex'));
  });

  it('cites a stored checkpoint covering the erasure', async () => {
    const [row] = await superuserQuery<{ seq: string; head_hash: Buffer; signature: Buffer }>(
      vault,
      'select seq, head_hash, signature from audit_checkpoints where chain = $1 and seq = $2 and key_id = $3 order by id desc limit 1',
      [certificate.checkpoint.chain, certificate.checkpoint.seq, certificate.checkpoint.keyId],
    );
    expect(row).toBeDefined();
    expect(Number(row!.seq)).toBeGreaterThanOrEqual(certificate.auditEntry.seq);
    expect(row!.head_hash.toString('hex')).toBe(certificate.checkpoint.headHash);
    expect(row!.signature.toString('base64url')).toBe(certificate.checkpoint.signature);
  });

  it('leaves no row or wrapped key of the person', async () => {
    const wrappedKeys = [captured.userKey.wrapped_key, ...captured.documents.map((document) => document.wrapped_key)];

    expect(await findRowsOf(camille.accountId, wrappedKeys)).toEqual([]);
    expect(await countRows('select count(*) from document_chunks where document_id = any($1::uuid[])', [documentIds])).toBe(0);
  });

  it('finds the rows of a person not erased', async () => {
    // The same scan on Dominique, still present, shows that it finds rows and keys.
    const [userKey] = await superuserQuery<{ wrapped_key: Buffer }>(vault, 'select wrapped_key from user_keys where account_id = $1', [dominique.accountId]);
    const found = await findRowsOf(dominique.accountId, [userKey!.wrapped_key]);

    expect(found).toContain('user_keys.account_id names the account');
    expect(found).toContain('user_keys.wrapped_key has a wrapped key');
    expect(found).toContain('documents.owner_id names the account');
    expect(found).toContain('sessions.account_id names the account');
  });

  it('marks the account erased without its subject', async () => {
    const [account] = await superuserQuery<{ erased_at: Date | null; subject: string }>(vault, 'select erased_at, subject from accounts where id = $1', [camille.accountId]);

    expect(account!.erased_at).not.toBeNull();
    expect(account!.subject).toBe(`erased:${camille.accountId}`);
  });

  it('leaves captured chunks undecryptable with the master key', async () => {
    const userKeys = await superuserQuery<{ account_id: string; kek_id: string; wrapped_key: Buffer }>(vault, 'select account_id, kek_id, wrapped_key from user_keys');
    expect(userKeys.length).toBeGreaterThan(0);

    for (const row of userKeys) {
      const wrapped = { kekId: row.kek_id, wrapped: row.wrapped_key };
      await expect(unwrapUserKey(vault.ctx.keys, wrapped, camille.accountId)).rejects.toThrow(DecryptionFailed);
      const otherKey = await unwrapUserKey(vault.ctx.keys, wrapped, row.account_id);
      for (const document of captured.documents) {
        await expect(unwrapDocumentKey(otherKey, document.wrapped_key, document.id)).rejects.toThrow(DecryptionFailed);
        await expect(decryptCaptured(otherKey, document)).rejects.toThrow(DecryptionFailed);
      }
    }
  });

  it('ends the old session', async () => {
    const me = await request(vault.url).get('/api/v1/me').set('Cookie', camille.cookie);

    expect(me.status).toBe(401);
    expect(await countRows('select count(*) from sessions where account_id = $1', [camille.accountId])).toBe(0);
  });

  it('answers the partner\'s next read with 404', async () => {
    const content = await partnerRequest(vault, 'get', `/partner/v1/grants/${grantId}/documents/${documentIds[0]}/content`, capToken);
    expect(content.status).toBe(404);
    expect(problemOf(content.body).code).toBe('grant_not_found');

    const list = await partnerRequest(vault, 'get', `/partner/v1/grants/${grantId}/documents`, capToken);
    expect(list.status).toBe(404);
    const grants = JSON.parse((await partnerRequest(vault, 'get', '/partner/v1/grants', capToken)).body.toString('utf8'));
    expect(grants.items).toEqual([]);
  });

  it('keeps another person\'s documents', async () => {
    const download = await getBytes(vault, dominique, `/api/v1/documents/${dominiqueDocumentId}/content`);

    expect(download.status).toBe(200);
    expect(download.body.equals(fixture('notification-pch.pdf'))).toBe(true);
  });

  it('gives a new empty account on sign-in', async () => {
    const again = await signIn(vault, 'camille');
    const documents = await getAsPerson(vault, again, '/api/v1/documents');
    const grants = await getAsPerson(vault, again, '/api/v1/grants');

    expect(again.accountId).not.toBe(camille.accountId);
    expect(documents.status).toBe(200);
    expect(documents.body.items).toEqual([]);
    expect(grants.body.items).toEqual([]);
    expect(await countRows('select count(*) from accounts where id = $1 and erased_at is not null', [camille.accountId])).toBe(1);
    expect((await auditRows(vault, 'auth.sign_in')).at(-1)).toMatchObject({ actor_id: again.accountId, reason: 'account_created' });
  });
});

describe('erasure certificate verification', () => {
  let certificate: ErasureCertificate;
  let keys: AuditKeySet;

  beforeAll(async () => {
    const session = await signIn(vault, 'dominique');
    // A checkpoint of Dominique's chain from before the erasure, for the
    // test that swaps it into the certificate.
    const signingKey = await loadOrCreateSigningKey(vault.ctx.db, vault.ctx.keys);
    await writeCheckpoints(vault.ctx.db, signingKey, { force: true });
    signingKey.secretKey.fill(0);
    const response = await deleteMe(session);
    expect(response.status).toBe(200);
    certificate = response.body as ErasureCertificate;
    keys = await publishedKeys();
  });

  async function resign(changed: ErasureCertificate): Promise<ErasureCertificate> {
    const key = await loadOrCreateSigningKey(vault.ctx.db, vault.ctx.keys);
    try {
      const { signature: _dropped, ...unsigned } = changed;
      return await signErasureCertificate(unsigned, key);
    } finally {
      key.secretKey.fill(0);
    }
  }

  it('accepts the issued certificate', async () => {
    expect(await verifyErasureCertificate(certificate, keys)).toEqual({ valid: true, certificateId: certificate.certificateId, personId: certificate.personId });
  });

  const tamperings: Array<[string, (certificate: ErasureCertificate) => unknown]> = [
    ['document count changed', (c) => ({ ...c, destroyed: { ...c.destroyed, documents: c.destroyed.documents + 1 } })],
    ['person changed', (c) => ({ ...c, personId: '00000000-0000-4000-8000-000000000000' })],
    ['erasure time changed', (c) => ({ ...c, erasedAt: '2020-01-01T00:00:00.000Z' })],
    ['entry seq changed', (c) => ({ ...c, auditEntry: { ...c.auditEntry, seq: c.auditEntry.seq - 1 } })],
    ['checkpoint hash changed', (c) => ({ ...c, checkpoint: { ...c.checkpoint, headHash: '0'.repeat(64) } })],
    ['signature of another certificate', (c) => ({ ...c, signature: Buffer.alloc(64, 1).toString('base64url') })],
  ];
  for (const [name, tamper] of tamperings) {
    it(`rejects ${name}`, async () => {
      const report = await verifyErasureCertificate(tamper(certificate), keys);
      expect(report.valid).toBe(false);
      expect(report.failure?.kind).toBe('signature_invalid');
    });
  }

  it('rejects an unknown field', async () => {
    const report = await verifyErasureCertificate({ ...certificate, note: 'ajout' }, keys);
    expect(report.failure).toEqual({ kind: 'malformed', detail: 'unknown field "note"' });
  });

  it('rejects a key set without its key', async () => {
    const report = await verifyErasureCertificate(certificate, { ...keys, keys: [] });
    expect(report.failure?.kind).toBe('key_unknown');
  });

  it('rejects a forged checkpoint signature', async () => {
    const forged = await resign({ ...certificate, checkpoint: { ...certificate.checkpoint, seq: certificate.checkpoint.seq + 1 } });
    const report = await verifyErasureCertificate(forged, keys);
    expect(report.failure?.kind).toBe('checkpoint_invalid');
  });

  it('rejects a checkpoint before the erasure', async () => {
    const [older] = await superuserQuery<{ seq: string; head_hash: Buffer; time: Date; key_id: string; signature: Buffer }>(
      vault,
      'select seq, head_hash, time, key_id, signature from audit_checkpoints where chain = $2 and seq < $1 order by seq desc limit 1',
      [certificate.auditEntry.seq, certificate.auditEntry.chain],
    );
    expect(older).toBeDefined();
    const earlier = await resign({
      ...certificate,
      checkpoint: { chain: certificate.auditEntry.chain, seq: Number(older!.seq), headHash: older!.head_hash.toString('hex'), time: older!.time.toISOString(), keyId: older!.key_id, signature: older!.signature.toString('base64url') },
    });
    const report = await verifyErasureCertificate(earlier, keys);
    expect(report.failure?.kind).toBe('checkpoint_not_covering');
  });

  it('passes npm run certificate:verify offline', async () => {
    const keysFile = path.join(folder, 'audit-keys.json');
    const valid = path.join(folder, 'certificat.json');
    const tampered = path.join(folder, 'certificat-modifie.json');
    writeFileSync(keysFile, JSON.stringify(keys));
    writeFileSync(valid, JSON.stringify(certificate, null, 2));
    writeFileSync(tampered, JSON.stringify({ ...certificate, destroyed: { ...certificate.destroyed, grants: certificate.destroyed.grants + 1 } }));

    const ok = await run(TSX, [CLI, valid, '--keys', keysFile], { cwd: ROOT });
    expect(JSON.parse(ok.stdout)).toMatchObject({ valid: true, personId: certificate.personId });

    const failed = await run(TSX, [CLI, tampered, '--keys', keysFile], { cwd: ROOT }).then(
      () => null,
      (error: { code: number; stdout: string }) => error,
    );
    expect(failed?.code).toBe(1);
    expect(JSON.parse(failed!.stdout).failure.kind).toBe('signature_invalid');
  });

  it('passes npm run certificate:verify with the vault\'s keys', async () => {
    const file = path.join(folder, 'certificat-base.json');
    writeFileSync(file, JSON.stringify(certificate));
    const env = { ...process.env, DATABASE_URL: vault.databaseUrl, COFFRE_RUNTIME_DATABASE_URL: runtimeUrlFor(vault.databaseUrl), COFFRE_DATA_DIR: vault.dataDir, LOG_LEVEL: 'error' };

    const { stdout } = await run(TSX, [CLI, file], { cwd: ROOT, env });
    expect(JSON.parse(stdout)).toMatchObject({ valid: true, certificateId: certificate.certificateId });
  });
});

describe('erasure certificate that cannot be issued', () => {
  it('answers 500 after the erasure committed', async () => {
    const session = await signIn(vault, 'camille');
    await superuserQuery(vault, 'revoke insert on audit_checkpoints from coffre_runtime');
    let response: request.Response;
    try {
      response = await deleteMe(session);
    } finally {
      await superuserQuery(vault, 'grant insert on audit_checkpoints to coffre_runtime');
    }

    // The erasure cannot be rolled back once committed, so the person gets no certificate.
    expect(response.status).toBe(500);
    expect(response.body.code).toBe('internal_error');
    expect(await countRows('select count(*) from accounts where id = $1 and erased_at is not null', [session.accountId])).toBe(1);
    expect(await countRows('select count(*) from user_keys where account_id = $1', [session.accountId])).toBe(0);
  });
});
