import { randomBytes, randomUUID } from 'node:crypto'

import { sql, type Kysely, type Transaction } from 'kysely'
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest'

import { chainOf } from '../../audit/chains.js'
import { checkpointMessageBytes, encodePublicKey, verifyCheckpointSignature, type AuditKeySet } from '../../audit/checkpoint-message.js'
import { createDatabaseSignatureVerifier, loadAuditKeySet } from '../../audit/checkpoint-signatures.js'
import { writeCheckpoint } from '../../audit/checkpoint-writer.js'
import type { VerificationReport } from '../../audit/verify.js'
import { envKeyProvider } from '../../crypto/env-key-provider.js'
import { createAuditSigningKey, signDetached, type AuditSigningKey } from '../../crypto/signing-key.js'
import { loadOrCreateSigningKey, rotateSigningKey } from '../../server/audit/signing-key.repository.js'
import { appendDocumentReads, resetAuditLog } from '../support/audit-log.js'
import { verifyBothWays } from '../support/verify-both-ways.js'
import { createTestDatabase, type TestDatabase } from '../support/test-database.js'

// Tampered copies of a signed chain, each named after the mutation applied.
// Every one must be reported at the seq of the checkpoint or entry it hits.

let database: TestDatabase
let db: Kysely<any>
const keys = envKeyProvider(randomBytes(32).toString('base64'))
const foreignKeys = envKeyProvider(randomBytes(32).toString('base64'))
let key: AuditSigningKey

// One person's events, so they all go to one chain. Not chain 0, where
// entries without a subject go, such as a key rotation's.
const SUBJECT = subjectOutsideChainZero()
const APPEND_CHAIN = chainOf({ subjectId: SUBJECT, actorId: null, requestId: null })

function subjectOutsideChainZero(): string {
  for (;;) {
    const subject = randomUUID()
    if (chainOf({ subjectId: subject, actorId: null, requestId: null }) !== 0) return subject
  }
}

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

/** Runs table changes as the owner with the append-only triggers disabled, in one transaction. */
async function tamper(work: (trx: Transaction<any>) => Promise<unknown>): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await sql`alter table audit_events disable trigger user`.execute(trx)
    await sql`alter table audit_checkpoints disable trigger user`.execute(trx)
    await work(trx)
    await sql`alter table audit_events enable trigger user`.execute(trx)
    await sql`alter table audit_checkpoints enable trigger user`.execute(trx)
  })
}

async function verifyWithSignatures(): Promise<VerificationReport> {
  return verifyBothWays(db, { verifySignature: await createDatabaseSignatureVerifier(db, keys) })
}

/** Builds entries 1..10 with checkpoints at 4 and 10. */
async function signedChain(): Promise<void> {
  await appendMany(4)
  await writeCheckpoint(db, key, APPEND_CHAIN)
  await appendMany(6)
  await writeCheckpoint(db, key, APPEND_CHAIN)
}

async function checkpointRow(seq: number): Promise<{ id: string; message: Buffer; signature: Buffer; head_hash: Buffer; time: Date }> {
  const row = await db.selectFrom('audit_checkpoints').selectAll().where('seq', '=', seq).executeTakeFirstOrThrow()
  return { id: String(row.id), message: row.message, signature: row.signature, head_hash: row.head_hash, time: row.time }
}

describe('signed chain', () => {
  test('intact chain verifies with signatures', async () => {
    await signedChain()

    const report = await verifyWithSignatures()
    expect(report.valid).toBe(true)
    expect(report.entriesChecked).toBe(10)
    expect(report.checkpointsChecked).toBe(2)
  })

  test('writer skips a head already signed', async () => {
    await appendMany(2)
    expect(await writeCheckpoint(db, key, APPEND_CHAIN)).toMatchObject({ seq: 2, keyId: key.keyId })
    expect(await writeCheckpoint(db, key, APPEND_CHAIN)).toBeNull()
    expect(await db.selectFrom('audit_checkpoints').select('id').execute()).toHaveLength(1)
  })

  test('writer signs nothing on an empty chain', async () => {
    expect(await writeCheckpoint(db, key, APPEND_CHAIN, { force: true })).toBeNull()
  })

  test('duplicate checkpoints for one seq verify', async () => {
    await appendMany(3)
    await writeCheckpoint(db, key, APPEND_CHAIN)
    await writeCheckpoint(db, key, APPEND_CHAIN, { force: true })

    const report = await verifyWithSignatures()
    expect(report.valid).toBe(true)
    expect(report.checkpointsChecked).toBe(2)
  })
})

describe('checkpoint tamper vectors', () => {
  test('checkpoint-10-signed-by-foreign-key-with-real-key-id', async () => {
    await signedChain()
    const foreign = await createAuditSigningKey(foreignKeys)
    const row = await checkpointRow(10)
    const forged = await signDetached(foreign.key.secretKey, row.message)
    await tamper((trx) => trx.updateTable('audit_checkpoints').set({ signature: Buffer.from(forged) }).where('id', '=', row.id).execute())

    const report = await verifyWithSignatures()
    expect(report.valid).toBe(false)
    expect(report.failure).toMatchObject({ kind: 'bad_signature', seq: 10 })
    expect(report.checkpointsChecked).toBe(1)
  })

  test('checkpoint-11-forged-by-foreign-key-for-appended-entry', async () => {
    await signedChain()
    await appendMany(1)
    const head = await db.selectFrom('audit_events').select(['hash']).where('seq', '=', 11).executeTakeFirstOrThrow()
    const foreign = await createAuditSigningKey(foreignKeys)
    const fields = { chain: APPEND_CHAIN, seq: 11, headHash: head.hash.toString('hex'), time: new Date().toISOString(), keyId: key.keyId }
    const message = checkpointMessageBytes(fields)
    await db.insertInto('audit_checkpoints').values({
      chain: APPEND_CHAIN, seq: 11, head_hash: head.hash, time: new Date(fields.time), key_id: key.keyId,
      message, signature: Buffer.from(await signDetached(foreign.key.secretKey, message)),
    }).execute()

    const report = await verifyWithSignatures()
    expect(report.failure).toMatchObject({ kind: 'bad_signature', seq: 11 })
  })

  test('checkpoint-signed-by-key-missing-from-key-set', async () => {
    const foreign = await createAuditSigningKey(foreignKeys)
    const fields = { chain: 0, seq: 1, headHash: 'ab'.repeat(32), time: '2026-12-04T21:00:00.000Z', keyId: foreign.key.keyId }
    const message = checkpointMessageBytes(fields)
    const signature = await signDetached(foreign.key.secretKey, message)
    const checkpoint = { ...fields, message, signature }

    expect(await verifyCheckpointSignature(checkpoint, await loadAuditKeySet(db, keys))).toBe(false)
    const withForeign: AuditKeySet = {
      format: 'coffre-audit-keys/1',
      keys: [{ keyId: foreign.key.keyId, algorithm: 'Ed25519', publicKey: encodePublicKey(foreign.key.publicKey), createdAt: fields.time, retiredAt: null }],
    }
    expect(await verifyCheckpointSignature(checkpoint, withForeign)).toBe(true)
  })

  test('key-set-entry-with-key-id-of-another-public-key', async () => {
    const foreign = await createAuditSigningKey(foreignKeys)
    const fields = { chain: 0, seq: 1, headHash: 'ab'.repeat(32), time: '2026-12-04T21:00:00.000Z', keyId: key.keyId }
    const message = checkpointMessageBytes(fields)
    const checkpoint = { ...fields, message, signature: await signDetached(foreign.key.secretKey, message) }
    const relabelled: AuditKeySet = {
      format: 'coffre-audit-keys/1',
      keys: [{ keyId: key.keyId, algorithm: 'Ed25519', publicKey: encodePublicKey(foreign.key.publicKey), createdAt: fields.time, retiredAt: null }],
    }

    expect(await verifyCheckpointSignature(checkpoint, relabelled)).toBe(false)
  })

  test('checkpoint-10-message-time-altered', async () => {
    await signedChain()
    const row = await checkpointRow(10)
    const altered = Buffer.from(row.message.toString('utf8').replace(/"time":"[^"]+"/, '"time":"2020-01-01T00:00:00.000Z"'), 'utf8')
    expect(altered.equals(row.message)).toBe(false)
    await tamper((trx) => trx.updateTable('audit_checkpoints').set({ message: altered }).where('id', '=', row.id).execute())

    expect((await verifyWithSignatures()).failure).toMatchObject({ kind: 'bad_signature', seq: 10 })
  })

  test('checkpoint-4-message-head-hash-altered', async () => {
    await signedChain()
    const row = await checkpointRow(4)
    const altered = Buffer.from(row.message.toString('utf8').replace(/"headHash":"[0-9a-f]{64}"/, `"headHash":"${'0'.repeat(64)}"`), 'utf8')
    await tamper((trx) => trx.updateTable('audit_checkpoints').set({ message: altered }).where('id', '=', row.id).execute())

    const report = await verifyWithSignatures()
    expect(report.failure).toMatchObject({ kind: 'bad_signature', seq: 4 })
    expect(report.checkpointsChecked).toBe(0)
  })

  test('checkpoint-10-column-time-altered', async () => {
    await signedChain()
    const row = await checkpointRow(10)
    await tamper((trx) => trx.updateTable('audit_checkpoints').set({ time: new Date(row.time.getTime() - 1000) }).where('id', '=', row.id).execute())

    expect((await verifyWithSignatures()).failure).toMatchObject({ kind: 'bad_signature', seq: 10 })
  })

  test('checkpoint-10-signature-bit-flipped', async () => {
    await signedChain()
    const row = await checkpointRow(10)
    const flipped = Buffer.from(row.signature)
    flipped[0] = flipped[0]! ^ 0x01
    await tamper((trx) => trx.updateTable('audit_checkpoints').set({ signature: flipped }).where('id', '=', row.id).execute())

    expect((await verifyWithSignatures()).failure).toMatchObject({ kind: 'bad_signature', seq: 10 })
  })

  test('checkpoint-10-moved-to-seq-9', async () => {
    await signedChain()
    await tamper((trx) => trx.updateTable('audit_checkpoints').set({ seq: 9 }).where('seq', '=', 10).execute())

    expect((await verifyWithSignatures()).failure).toMatchObject({ kind: 'checkpoint_mismatch', seq: 9 })
  })

  test('tail-truncated-before-last-checkpoint', async () => {
    await signedChain()
    await tamper((trx) => trx.deleteFrom('audit_events').where('seq', '>', 7).execute())

    const report = await verifyWithSignatures()
    expect(report.valid).toBe(false)
    expect(report.failure).toMatchObject({ kind: 'checkpoint_mismatch', seq: 10 })
    expect(report.head).toMatchObject({ seq: 7 })
  })

  test('tail-truncated-after-last-checkpoint goes undetected', async () => {
    await signedChain()
    await appendMany(3)
    await tamper((trx) => trx.deleteFrom('audit_events').where('seq', '>', 10).execute())

    // The documented limit: only a checkpoint kept outside the database shows entries 11 to 13 existed.
    const report = await verifyWithSignatures()
    expect(report.valid).toBe(true)
    expect(report.head).toMatchObject({ seq: 10 })
  })
})

describe('key rotation', () => {
  test('old checkpoints stay verifiable after rotation', async () => {
    await appendMany(3)
    await writeCheckpoint(db, key, APPEND_CHAIN)

    const rotation = await rotateSigningKey(db, keys)
    expect(rotation.retiredKeyIds).toEqual([key.keyId])
    // The rotation entry has no subject, actor or request, so it goes to
    // chain 0; the rotation re-signs every chain head with the new key.
    expect(rotation.checkpoints).toEqual([
      expect.objectContaining({ chain: 0, seq: 1, keyId: rotation.key.keyId }),
      expect.objectContaining({ chain: APPEND_CHAIN, seq: 3, keyId: rotation.key.keyId }),
    ])

    const report = await verifyWithSignatures()
    expect(report.valid).toBe(true)
    expect(report.entriesChecked).toBe(4)
    expect(report.checkpointsChecked).toBe(3)
    const signers = await db.selectFrom('audit_checkpoints').select('key_id').where('chain', '=', APPEND_CHAIN).orderBy('id').execute()
    expect(signers.map((row) => row.key_id)).toEqual([key.keyId, rotation.key.keyId])
  })

  test('rotation retires the old key and records itself', async () => {
    await appendMany(1)
    const rotation = await rotateSigningKey(db, keys)

    const old = await db.selectFrom('audit_signing_keys').selectAll().where('key_id', '=', key.keyId).executeTakeFirstOrThrow()
    expect(old.retired_at).toBeInstanceOf(Date)
    expect(old.wrapped_secret).toBeNull()
    expect(old.public_key).toHaveLength(32)

    const entry = await db.selectFrom('audit_events').selectAll().where('action', '=', 'audit.key_rotate').executeTakeFirstOrThrow()
    expect(entry).toMatchObject({ actor_type: 'system', resource_type: 'audit_signing_key', resource_id: rotation.key.keyId, outcome: 'allow' })
    expect((await loadOrCreateSigningKey(db, keys)).keyId).toBe(rotation.key.keyId)
  })
})
