import { randomBytes, randomUUID } from 'node:crypto'

import { sql, type Kysely } from 'kysely'
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest'

import { chainOf } from '../../audit/chains.js'
import { checkpointMessageBytes } from '../../audit/checkpoint-message.js'
import { createDatabaseSignatureVerifier, loadAuditKeySet } from '../../audit/checkpoint-signatures.js'
import { writeCheckpoint } from '../../audit/checkpoint-writer.js'
import { keyLineageBytes, parseKeyLineage } from '../../audit/key-lineage.js'
import { verifyChain, type VerificationReport } from '../../audit/verify.js'
import { envKeyProvider } from '../../crypto/env-key-provider.js'
import { createAuditSigningKey, signDetached, type AuditSigningKey } from '../../crypto/signing-key.js'
import { loadOrCreateSigningKey, rotateSigningKey } from '../../server/audit/signing-key.repository.js'
import { appendDocumentReads, resetAuditLog } from '../support/audit-log.js'
import { createTestDatabase, type TestDatabase } from '../support/test-database.js'

// A key inserted into audit_signing_keys by someone who can write the table
// but does not have the master key must verify nothing.

let database: TestDatabase
let db: Kysely<any>
const keys = envKeyProvider(randomBytes(32).toString('base64'))
const foreignKeys = envKeyProvider(randomBytes(32).toString('base64'))
let key: AuditSigningKey

const SUBJECT = randomUUID()
const CHAIN = chainOf({ subjectId: SUBJECT, actorId: null, requestId: null })

beforeAll(async () => {
  database = await createTestDatabase()
  db = database.db
})

afterAll(async () => {
  await database?.destroy()
})

beforeEach(async () => {
  await resetAuditLog(db, { signingKeys: true })
  key = await loadOrCreateSigningKey(db, keys)
})

async function appendMany(count: number): Promise<void> {
  await appendDocumentReads(db, SUBJECT, count)
}

/** Inserts a key made outside the vault, as a retired key without secret unless `wrapped` is given. */
async function plantKey(options: { wrapped?: boolean; current?: boolean } = {}): Promise<AuditSigningKey> {
  const planted = await createAuditSigningKey(foreignKeys)
  await db.insertInto('audit_signing_keys').values({
    key_id: planted.key.keyId,
    public_key: Buffer.from(planted.key.publicKey),
    wrapped_secret: options.wrapped === true ? Buffer.from(planted.wrappedSecret.wrapped) : null,
    kek_id: options.wrapped === true ? planted.wrappedSecret.kekId : null,
    created_at: new Date(Date.now() - 60_000),
    retired_at: options.current === true ? null : new Date(),
  }).execute()
  return planted.key
}

/** Signs a checkpoint of the chain's last entry with `signer`, as a forger would insert it. */
async function forgeCheckpoint(signer: AuditSigningKey): Promise<number> {
  const head = await db.selectFrom('audit_chain_heads').select(['seq', 'hash']).where('chain', '=', CHAIN).executeTakeFirstOrThrow()
  const fields = { chain: CHAIN, seq: Number(head.seq), headHash: head.hash.toString('hex'), time: new Date().toISOString(), keyId: signer.keyId }
  const message = checkpointMessageBytes(fields)
  await db.insertInto('audit_checkpoints').values({
    chain: CHAIN, seq: fields.seq, head_hash: head.hash, time: new Date(fields.time), key_id: signer.keyId,
    message, signature: Buffer.from(await signDetached(signer.secretKey, message)),
  }).execute()
  return fields.seq
}

async function verifyWithKeys(): Promise<VerificationReport> {
  return verifyChain(db, { verifySignature: await createDatabaseSignatureVerifier(db, keys) })
}

async function publishedKeyIds(): Promise<string[]> {
  return (await loadAuditKeySet(db, keys)).keys.map((published) => published.keyId)
}

describe('planted keys', () => {
  test('retired key without secret is not trusted', async () => {
    await appendMany(3)
    const planted = await plantKey()
    const seq = await forgeCheckpoint(planted)

    const report = await verifyWithKeys()

    expect(report.failure).toMatchObject({ kind: 'bad_signature', chain: CHAIN, seq })
    expect(await publishedKeyIds()).toEqual([key.keyId])
  })

  test('current key wrapped under another master key is not trusted', async () => {
    await appendMany(2)
    const planted = await plantKey({ wrapped: true, current: true })
    const seq = await forgeCheckpoint(planted)

    const report = await verifyWithKeys()

    expect(report.failure).toMatchObject({ kind: 'bad_signature', seq })
    expect(await publishedKeyIds()).toEqual([key.keyId])
  })

  test('genuine wrapped secret copied to a planted key is not trusted', async () => {
    await appendMany(2)
    const planted = await plantKey({ current: true })
    const genuine = await db.selectFrom('audit_signing_keys').select(['wrapped_secret', 'kek_id']).where('key_id', '=', key.keyId).executeTakeFirstOrThrow()
    await db.updateTable('audit_signing_keys').set({ wrapped_secret: genuine.wrapped_secret, kek_id: genuine.kek_id }).where('key_id', '=', planted.keyId).execute()
    const seq = await forgeCheckpoint(planted)

    expect((await verifyWithKeys()).failure).toMatchObject({ kind: 'bad_signature', seq })
  })

  test('checkpoints of the vault key still verify', async () => {
    await appendMany(4)
    await writeCheckpoint(db, key, CHAIN)
    await plantKey()

    const report = await verifyWithKeys()

    expect(report.valid).toBe(true)
    expect(report.checkpointsChecked).toBe(1)
  })
})

describe('key rotation', () => {
  test('retired key stays trusted through the lineage', async () => {
    await appendMany(3)
    await writeCheckpoint(db, key, CHAIN)

    const rotation = await rotateSigningKey(db, keys)

    expect(await publishedKeyIds()).toEqual([key.keyId, rotation.key.keyId])
    const report = await verifyWithKeys()
    expect(report.valid).toBe(true)
    // The checkpoint by the retired key, and the one the rotation signed.
    expect(report.checkpointsChecked).toBeGreaterThanOrEqual(2)
  })

  test('two rotations keep the first key trusted', async () => {
    await appendMany(2)
    await writeCheckpoint(db, key, CHAIN)
    const second = await rotateSigningKey(db, keys)
    const third = await rotateSigningKey(db, keys)

    expect(await publishedKeyIds()).toEqual([key.keyId, second.key.keyId, third.key.keyId])
    expect((await verifyWithKeys()).valid).toBe(true)
  })

  test('new key does not vouch for a planted key', async () => {
    const planted = await plantKey()

    const rotation = await rotateSigningKey(db, keys)

    const row = await db.selectFrom('audit_signing_keys').select('lineage').where('key_id', '=', rotation.key.keyId).executeTakeFirstOrThrow()
    const lineage = parseKeyLineage(row.lineage)
    expect(lineage?.predecessors.map((predecessor) => predecessor.keyId)).toEqual([key.keyId])
    expect(await publishedKeyIds()).not.toContain(planted.keyId)
  })

  test('rotation replaces a current key without its secret', async () => {
    await db.updateTable('audit_signing_keys').set({ wrapped_secret: null, kek_id: null, lineage: null, lineage_signature: null }).where('key_id', '=', key.keyId).execute()

    const rotation = await rotateSigningKey(db, keys)

    // Nothing proves the old key any more, so the new one does not vouch for it.
    expect(rotation.retiredKeyIds).toEqual([key.keyId])
    expect(await publishedKeyIds()).toEqual([rotation.key.keyId])
  })

  test('rotation replaces a current key that does not unwrap', async () => {
    // One bit flipped in the ciphertext, so the authenticated decryption fails.
    await sql`update audit_signing_keys set wrapped_secret = set_byte(wrapped_secret, 29, get_byte(wrapped_secret, 29) # 1) where key_id = ${key.keyId}`.execute(db)

    const rotation = await rotateSigningKey(db, keys)

    expect(rotation.retiredKeyIds).toEqual([key.keyId])
    expect(await publishedKeyIds()).toEqual([rotation.key.keyId])
  })

  test('retired key with another public key is not trusted', async () => {
    await appendMany(2)
    const rotation = await rotateSigningKey(db, keys)
    const planted = await createAuditSigningKey(foreignKeys)
    await db.updateTable('audit_signing_keys').set({ public_key: Buffer.from(planted.key.publicKey) }).where('key_id', '=', key.keyId).execute()

    expect(await publishedKeyIds()).toEqual([rotation.key.keyId])
  })

  test('changed lineage leaves the retired key untrusted', async () => {
    await appendMany(2)
    await writeCheckpoint(db, key, CHAIN)
    const rotation = await rotateSigningKey(db, keys)
    await sql`update audit_signing_keys set lineage = overlay(lineage placing '\\x20'::bytea from 2 for 1) where key_id = ${rotation.key.keyId}`.execute(db)

    expect(await publishedKeyIds()).toEqual([rotation.key.keyId])
    expect((await verifyWithKeys()).failure).toMatchObject({ kind: 'bad_signature', chain: CHAIN })
  })
})

describe('keys made before lineages', () => {
  test('start records a lineage naming the keys in the table', async () => {
    // A vault from before lineages: no lineage, and a key retired back then.
    await db.updateTable('audit_signing_keys').set({ lineage: null, lineage_signature: null }).execute()
    const legacy = await plantKey()
    expect(await publishedKeyIds()).toEqual([key.keyId])

    await loadOrCreateSigningKey(db, keys)

    expect(await publishedKeyIds()).toEqual([legacy.keyId, key.keyId])
    const row = await db.selectFrom('audit_signing_keys').select('lineage').where('key_id', '=', key.keyId).executeTakeFirstOrThrow()
    expect(parseKeyLineage(row.lineage)?.predecessors.map((predecessor) => predecessor.keyId)).toEqual([legacy.keyId])
  })

  test('a key with its lineage is left as it is', async () => {
    const before = await db.selectFrom('audit_signing_keys').select(['lineage', 'lineage_signature']).where('key_id', '=', key.keyId).executeTakeFirstOrThrow()
    await plantKey()

    await loadOrCreateSigningKey(db, keys)

    const after = await db.selectFrom('audit_signing_keys').select(['lineage', 'lineage_signature']).where('key_id', '=', key.keyId).executeTakeFirstOrThrow()
    expect(after).toEqual(before)
  })
})

describe('lineage message', () => {
  const publicKey = new Uint8Array(32).fill(7)
  const other = new Uint8Array(32).fill(9)
  const lineage = {
    key: { keyId: 'audit-b', publicKey },
    predecessors: [{ keyId: 'audit-z', publicKey: other }, { keyId: 'audit-a', publicKey: other }],
    time: '2026-12-05T01:00:00.000Z',
  }

  test('bytes are canonical with sorted predecessors', () => {
    const text = keyLineageBytes(lineage).toString('utf8')

    expect(text).toBe(
      '{"format":"coffre-audit-key-lineage/1","keyId":"audit-b","predecessors":[' +
        `{"keyId":"audit-a","publicKey":"${Buffer.from(other).toString('base64url')}"},` +
        `{"keyId":"audit-z","publicKey":"${Buffer.from(other).toString('base64url')}"}],` +
        `"publicKey":"${Buffer.from(publicKey).toString('base64url')}","time":"2026-12-05T01:00:00.000Z"}`,
    )
  })

  test('parse returns what was built', () => {
    const parsed = parseKeyLineage(keyLineageBytes(lineage))

    expect(parsed?.key.keyId).toBe('audit-b')
    expect(parsed?.predecessors.map((predecessor) => predecessor.keyId)).toEqual(['audit-a', 'audit-z'])
  })

  test('parse rejects other byte forms', () => {
    const canonical = keyLineageBytes(lineage).toString('utf8')
    const variants = [
      canonical.replace('{"format"', '{ "format"'),
      canonical.replace('"time"', '"extra":1,"time"'),
      canonical.replace('coffre-audit-key-lineage/1', 'coffre-audit-key-lineage/2'),
      canonical.replace('"keyId":"audit-b"', '"keyId":7'),
      'not json',
    ]
    for (const variant of variants) {
      expect(parseKeyLineage(Buffer.from(variant, 'utf8'))).toBeUndefined()
    }
  })
})
