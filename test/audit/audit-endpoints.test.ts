import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { verifyCheckpointSignature, type AuditKeySet } from '../../audit/checkpoint-message.js';
import { rotateSigningKey } from '../../server/audit/signing-key.repository.js';
import { superuserQuery } from '../documents/document-api.js';
import { signIn, type SignedIn } from '../support/sign-in.js';
import { startTestVault, type TestVault } from '../support/test-vault.js';

// The published audit keys and the DPO's verification route, on a whole vault.

let vault: TestVault;
let camille: SignedIn;
let dpo: SignedIn;

beforeAll(async () => {
  vault = await startTestVault();
  camille = await signIn(vault, 'camille');
  dpo = await signIn(vault, 'dpo');
});

afterAll(async () => {
  await vault?.destroy();
});

async function fetchKeySet(): Promise<{ response: request.Response; keySet: AuditKeySet }> {
  const response = await request(vault.url).get('/.well-known/coffre/audit-keys');
  return { response, keySet: response.body as AuditKeySet };
}

async function storedCheckpoints(): Promise<Array<{ chain: number; seq: string; head_hash: Buffer; time: Date; key_id: string; message: Buffer; signature: Buffer }>> {
  return superuserQuery(vault, 'select chain, seq, head_hash, time, key_id, message, signature from audit_checkpoints order by id');
}

async function auditRows(action: string): Promise<Array<{ chain: number; seq: string; actor_type: string; actor_id: string; outcome: string; reason: string | null }>> {
  return superuserQuery(vault, 'select chain, seq, actor_type, actor_id, outcome, reason from audit_events where action = $1 order by time, chain, seq', [action]);
}

describe('GET /.well-known/coffre/audit-keys', () => {
  it('publishes the current key without authentication', async () => {
    const { response, keySet } = await fetchKeySet();
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    expect(response.headers['cache-control']).toBe('no-store');
    expect(keySet.format).toBe('coffre-audit-keys/1');
    expect(keySet.keys).toHaveLength(1);
    expect(keySet.keys[0]).toMatchObject({ algorithm: 'Ed25519', retiredAt: null });
    expect(keySet.keys[0]!.keyId).toMatch(/^audit-[0-9a-f]{16}$/);
    expect(Buffer.from(keySet.keys[0]!.publicKey, 'base64url')).toHaveLength(32);
    expect(JSON.stringify(keySet)).not.toMatch(/wrapped|secret|kek/i);
  });

  it('lists current and retired keys after a rotation', async () => {
    const before = (await fetchKeySet()).keySet.keys[0]!;
    const rotation = await rotateSigningKey(vault.ctx.db, vault.ctx.keys);
    rotation.key.secretKey.fill(0);

    const { keySet } = await fetchKeySet();
    expect(keySet.keys.map((key) => key.keyId)).toEqual([before.keyId, rotation.key.keyId]);
    expect(keySet.keys[0]!.retiredAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    expect(keySet.keys[1]!.retiredAt).toBeNull();
  });

  it('published key verifies a stored checkpoint', async () => {
    const { keySet } = await fetchKeySet();
    const checkpoints = await storedCheckpoints();
    expect(checkpoints.length).toBeGreaterThan(0);

    for (const row of checkpoints) {
      const checkpoint = { chain: row.chain, seq: Number(row.seq), headHash: row.head_hash.toString('hex'), time: row.time, keyId: row.key_id, message: row.message, signature: row.signature };
      expect(await verifyCheckpointSignature(checkpoint, keySet)).toBe(true);
      expect(await verifyCheckpointSignature(checkpoint, { ...keySet, keys: [] })).toBe(false);
    }
  });
});

describe('GET /dpo/v1/audit/verification', () => {
  it('returns 401 without a session', async () => {
    const response = await request(vault.url).get('/dpo/v1/audit/verification');
    expect(response.status).toBe(401);
    expect(response.body.code).toBe('unauthenticated');
  });

  it('returns 403 to a person and records the denial', async () => {
    const response = await request(vault.url).get('/dpo/v1/audit/verification').set('Cookie', camille.cookie);
    expect(response.status).toBe(403);
    expect(response.body.code).toBe('forbidden');
    expect(response.body.title).toBe('Accès refusé');

    const denials = (await auditRows('audit.verify')).filter((row) => row.outcome === 'deny');
    expect(denials).toEqual([expect.objectContaining({ actor_type: 'person', actor_id: camille.accountId, reason: 'role_not_allowed' })]);
  });

  it('returns the report and the latest checkpoint to the DPO', async () => {
    const [count] = await superuserQuery(vault, 'select count(*) as count from audit_events');
    const response = await request(vault.url).get('/dpo/v1/audit/verification').set('Cookie', dpo.cookie);
    expect(response.status).toBe(200);
    expect(response.headers['cache-control']).toBe('no-store');
    expect(response.body).toMatchObject({ valid: true, entriesChecked: Number(count!.count) });
    expect(response.body.checkpointsChecked).toBeGreaterThanOrEqual(1);

    const latest = (await storedCheckpoints()).at(-1)!;
    expect(response.body.latestCheckpoint).toEqual({
      chain: latest.chain,
      seq: Number(latest.seq),
      headHash: latest.head_hash.toString('hex'),
      time: latest.time.toISOString(),
      keyId: latest.key_id,
    });
  });

  it('records the verification after the verified head', async () => {
    const response = await request(vault.url).get('/dpo/v1/audit/verification').set('Cookie', dpo.cookie);
    const allowed = (await auditRows('audit.verify')).filter((row) => row.outcome === 'allow');

    const last = allowed.at(-1)!;
    expect(last).toMatchObject({ actor_type: 'dpo', actor_id: dpo.accountId, reason: null });
    // The entry follows the verified head of its own chain.
    const verifiedHead = (response.body.heads as { chain: number; seq: number }[]).find((head) => head.chain === Number(last.chain));
    expect(Number(last.seq)).toBe((verifiedHead?.seq ?? 0) + 1);
  });
});

describe('shutdown', () => {
  it('signs the last entry of every chain when the vault stops', async () => {
    await request(vault.url).get('/api/v1/documents').set('Cookie', camille.cookie).expect(200);

    // destroy() in afterAll stops it again, which is a no-op.
    await vault.stop();
    const unsigned = await superuserQuery(
      vault,
      `select e.chain, max(e.seq) as head, (select max(c.seq) from audit_checkpoints c where c.chain = e.chain) as signed
       from audit_events e group by e.chain having max(e.seq) > coalesce((select max(c.seq) from audit_checkpoints c where c.chain = e.chain), 0)`,
    );
    expect(unsigned).toEqual([]);
  });
});
