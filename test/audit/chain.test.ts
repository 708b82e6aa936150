import { randomBytes, randomUUID } from 'node:crypto'

import { sql, type Kysely, type Transaction } from 'kysely'
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest'

import { appendAuditEvent } from '../../audit/append.js'
import { AUDIT_CHAIN_COUNT, chainOf } from '../../audit/chains.js'
import {
  GENESIS_HASH,
  InvalidAuditEntryError,
  chainHash,
  entryCanonicalBytes,
  type AuditEntry,
  type AuditEventInput,
} from '../../audit/entry.js'
import { entryToRow } from '../../audit/event-row.js'
import { verifyChain, type StoredCheckpoint } from '../../audit/verify.js'
import { resetAuditLog as emptyAuditLog } from '../support/audit-log.js'
import { verifyBothWays } from '../support/verify-both-ways.js'
import { createTestDatabase, type TestDatabase } from '../support/test-database.js'

let database: TestDatabase
let db: Kysely<any>

beforeAll(async () => {
  database = await createTestDatabase({ poolSize: 12 })
  db = database.db
})

afterAll(async () => {
  await database?.destroy()
})

beforeEach(async () => {
  await resetAuditLog()
})

const SIGNING_KEY_ID = 'test-key-1'

// Every event of these tests is about one person, so they all go to one
// chain, as a person's events do.
const SUBJECT = randomUUID()
const CHAIN = chainOf({ subjectId: SUBJECT, actorId: null, requestId: null })

function sampleEvent(overrides: Partial<AuditEventInput> = {}): AuditEventInput {
  return {
    actorType: 'person',
    actorId: randomUUID(),
    subjectId: SUBJECT,
    action: 'document.download',
    resourceType: 'document',
    resourceId: randomUUID(),
    outcome: 'allow',
    reason: null,
    requestId: randomUUID(),
    sourceAddress: '127.0.0.1',
    ...overrides,
  }
}

async function appendOne(event: AuditEventInput = sampleEvent(), now?: Date): Promise<AuditEntry> {
  return db.transaction().execute((trx) => appendAuditEvent(trx, event, now))
}

async function appendMany(count: number): Promise<AuditEntry[]> {
  const entries: AuditEntry[] = []
  for (let index = 0; index < count; index++) {
    entries.push(await appendOne())
  }
  return entries
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

async function resetAuditLog(): Promise<void> {
  await emptyAuditLog(db)
  await db
    .insertInto('audit_signing_keys')
    .values({ key_id: SIGNING_KEY_ID, public_key: randomBytes(32) })
    .onConflict((conflict) => conflict.column('key_id').doNothing())
    .execute()
}

// Pass the transaction inside `tamper`: its ALTER TABLE locks out every other connection.
async function storedRow(seq: number, executor: Kysely<any> = db): Promise<Record<string, any>> {
  return executor.selectFrom('audit_events').selectAll().where('chain', '=', CHAIN).where('seq', '=', seq).executeTakeFirstOrThrow()
}

async function storedHash(seq: number, executor: Kysely<any> = db): Promise<string> {
  return ((await storedRow(seq, executor)).hash as Buffer).toString('hex')
}

async function insertCheckpoint(seq: number, headHash: string): Promise<void> {
  await db
    .insertInto('audit_checkpoints')
    .values({
      chain: CHAIN,
      seq,
      head_hash: Buffer.from(headHash, 'hex'),
      time: new Date(),
      key_id: SIGNING_KEY_ID,
      message: Buffer.from(`checkpoint ${seq}`),
      signature: Buffer.alloc(64),
    })
    .execute()
}

async function countEntries(): Promise<number> {
  const row = await db.selectFrom('audit_events').select((eb) => eb.fn.countAll().as('count')).executeTakeFirstOrThrow()
  return Number(row.count)
}

/** Rewrites entries from `fromSeq` on with valid hashes, as a tamperer without the signing key could. */
async function rewriteChainFrom(trx: Transaction<any>, fromSeq: number, change: (entry: AuditEntry) => void): Promise<void> {
  const rows = await trx
    .selectFrom('audit_events')
    .select(['seq', 'canonical'])
    .where('seq', '>=', fromSeq)
    .orderBy('seq')
    .execute()
  let prevHash = await storedHash(fromSeq - 1, trx)

  for (const row of rows) {
    const entry = JSON.parse((row.canonical as Buffer).toString('utf8')) as AuditEntry
    if (Number(row.seq) === fromSeq) {
      change(entry)
    }
    entry.prevHash = prevHash
    const canonical = entryCanonicalBytes(entry)
    const hash = chainHash(prevHash, canonical)
    const { chain: _chain, seq: _seq, ...columns } = entryToRow(entry, canonical, hash)
    await trx.updateTable('audit_events').set(columns).where('chain', '=', CHAIN).where('seq', '=', row.seq).execute()
    prevHash = hash
  }
}

describe('appendAuditEvent', () => {
  test('200 appends verify as valid', async () => {
    const entries = await appendMany(200)

    const report = await verifyBothWays(db)

    expect(report.valid).toBe(true)
    expect(report.failure).toBeUndefined()
    expect(report.entriesChecked).toBe(200)
    expect(report.head?.seq).toBe(200)
    expect(report.head?.hash).toBe(await storedHash(200))
    expect(entries.map((entry) => entry.seq)).toEqual(Array.from({ length: 200 }, (_, index) => index + 1))
  })

  test.each([1, 7, 50, 200])('verification with batch size %i agrees', async (batchSize) => {
    await appendMany(200)

    const report = await verifyBothWays(db, { batchSize })

    expect(report.valid).toBe(true)
    expect(report.entriesChecked).toBe(200)
    expect(report.head?.seq).toBe(200)
  })

  test('first entry links to genesis hash', async () => {
    const [first, second] = await appendMany(2)

    expect(first?.prevHash).toBe(GENESIS_HASH)
    expect(second?.prevHash).toBe(await storedHash(1))
  })

  test('returned entry matches stored row', async () => {
    const entry = await appendOne(sampleEvent({ partnerId: 'mdph-75', grantId: randomUUID(), outcome: 'deny', reason: 'grant_expired' }))

    const row = await storedRow(1)

    expect(JSON.parse((row.canonical as Buffer).toString('utf8'))).toEqual(entry)
    expect((row.canonical as Buffer).equals(entryCanonicalBytes(entry))).toBe(true)
    expect((row.hash as Buffer).toString('hex')).toBe(chainHash(GENESIS_HASH, row.canonical as Buffer))
    expect(row.partner_id).toBe('mdph-75')
    expect(row.reason).toBe('grant_expired')
    expect((row.time as Date).toISOString()).toBe(entry.time)
  })

  test('50 concurrent appends stay gapless', async () => {
    const entries = await Promise.all(
      Array.from({ length: 50 }, () =>
        db.transaction().execute(async (trx) => {
          // A statement before the append, as a route's own change would be.
          await sql`select 1`.execute(trx)
          return appendAuditEvent(trx, sampleEvent())
        }),
      ),
    )

    const report = await verifyBothWays(db)

    expect(report.valid).toBe(true)
    expect(report.entriesChecked).toBe(50)
    expect(report.head?.seq).toBe(50)
    expect(entries.map((entry) => entry.seq).sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, index) => index + 1))
  })

  test('earlier clock keeps previous time', async () => {
    const later = new Date('2025-06-01T12:00:00.500Z')
    const earlier = new Date('2025-06-01T11:00:00.000Z')

    await appendOne(sampleEvent(), later)
    const entry = await appendOne(sampleEvent(), earlier)

    expect(entry.time).toBe('2025-06-01T12:00:00.500Z')
    expect((await verifyBothWays(db)).valid).toBe(true)
  })

  test('free text action is rejected before writing', async () => {
    const event = sampleEvent({ action: 'Téléchargement du certificat de Jeanne Dupont' })

    await expect(appendOne(event)).rejects.toThrow(InvalidAuditEntryError)
    expect(await countEntries()).toBe(0)
  })

  test('rolled back append leaves no entry', async () => {
    await appendMany(3)

    await expect(
      db.transaction().execute(async (trx) => {
        await appendAuditEvent(trx, sampleEvent())
        throw new Error('change failed after the audit append')
      }),
    ).rejects.toThrow('change failed after the audit append')

    expect(await countEntries()).toBe(3)
    const next = await appendOne()
    expect(next.seq).toBe(4)
    expect(next.prevHash).toBe(await storedHash(3))
    expect((await verifyBothWays(db)).valid).toBe(true)
  })
})

describe('append-only triggers', () => {
  test.each(['audit_events', 'audit_checkpoints'])('%s rejects UPDATE', async (table) => {
    await appendOne()
    await insertCheckpoint(1, await storedHash(1))

    await expect(sql`update ${sql.table(table)} set seq = 2`.execute(db)).rejects.toThrow('audit log is append-only')
  })

  test.each(['audit_events', 'audit_checkpoints'])('%s rejects DELETE', async (table) => {
    await appendOne()
    await insertCheckpoint(1, await storedHash(1))

    await expect(sql`delete from ${sql.table(table)}`.execute(db)).rejects.toThrow('audit log is append-only')
  })

  test.each(['audit_events', 'audit_checkpoints'])('%s rejects TRUNCATE', async (table) => {
    await appendOne()
    await insertCheckpoint(1, await storedHash(1))

    await expect(sql`truncate ${sql.table(table)} cascade`.execute(db)).rejects.toThrow('audit log is append-only')
  })

  test('changes leave the log intact', async () => {
    await appendMany(3)
    await insertCheckpoint(3, await storedHash(3))

    await sql`update audit_events set outcome = 'deny'`.execute(db).catch(() => undefined)
    await sql`delete from audit_events where seq = 2`.execute(db).catch(() => undefined)
    await sql`truncate audit_events, audit_checkpoints`.execute(db).catch(() => undefined)

    const report = await verifyBothWays(db)
    expect(report.valid).toBe(true)
    expect(report.entriesChecked).toBe(3)
    expect(report.checkpointsChecked).toBe(1)
  })

  test('signing key can be retired', async () => {
    await db
      .updateTable('audit_signing_keys')
      .set({ retired_at: new Date(), wrapped_secret: null })
      .where('key_id', '=', SIGNING_KEY_ID)
      .execute()

    const key = await db.selectFrom('audit_signing_keys').selectAll().where('key_id', '=', SIGNING_KEY_ID).executeTakeFirstOrThrow()
    expect(key.retired_at).toBeInstanceOf(Date)
  })
})

describe('verifyChain on tampered logs', () => {
  test('empty log is valid', async () => {
    const report = await verifyBothWays(db)

    expect(report).toEqual({ valid: true, heads: [], entriesChecked: 0, checkpointsChecked: 0, head: null })
  })

  test('outcome changed in canonical bytes at 7', async () => {
    await appendMany(20)
    await tamper(async (trx) => {
      const row = await storedRow(7, trx)
      const changed = (row.canonical as Buffer).toString('utf8').replace('"outcome":"allow"', '"outcome":"deny"')
      await trx
        .updateTable('audit_events')
        .set({ canonical: Buffer.from(changed, 'utf8'), outcome: 'deny' })
        .where('seq', '=', 7)
        .execute()
    })

    const report = await verifyBothWays(db, { batchSize: 4 })

    expect(report.valid).toBe(false)
    expect(report.failure).toMatchObject({ kind: 'hash_mismatch', chain: CHAIN, seq: 7 })
    expect(report.entriesChecked).toBe(6)
    expect(report.head?.seq).toBe(6)
  })

  test('outcome changed with its hash recomputed at 7', async () => {
    await appendMany(20)
    await tamper(async (trx) => {
      const row = await storedRow(7, trx)
      const entry = JSON.parse((row.canonical as Buffer).toString('utf8')) as AuditEntry
      entry.outcome = 'deny'
      const canonical = entryCanonicalBytes(entry)
      const hash = chainHash(entry.prevHash, canonical)
      await trx
        .updateTable('audit_events')
        .set({ canonical, hash: Buffer.from(hash, 'hex'), outcome: 'deny' })
        .where('seq', '=', 7)
        .execute()
    })

    const report = await verifyBothWays(db)

    expect(report.failure).toMatchObject({ kind: 'hash_mismatch', seq: 8 })
    expect(report.failure?.detail).toContain('previous hash differs from the hash of entry 7')
  })

  test('entry 5 deleted', async () => {
    await appendMany(20)
    await tamper((trx) => trx.deleteFrom('audit_events').where('seq', '=', 5).execute())

    const report = await verifyBothWays(db)

    expect(report.valid).toBe(false)
    expect(report.failure).toMatchObject({ kind: 'sequence_gap', seq: 5 })
    expect(report.entriesChecked).toBe(4)
  })

  test('entries 3 and 4 swapped', async () => {
    await appendMany(20)
    const swapped = sql.raw(
      [
        'time',
        'canonical',
        'prev_hash',
        'hash',
        'actor_type',
        'actor_id',
        'subject_id',
        'action',
        'resource_type',
        'resource_id',
        'outcome',
        'reason',
        'request_id',
        'source_address',
        'partner_id',
        'grant_id',
      ]
        .map((column) => `${column} = other.${column}`)
        .join(', '),
    )
    await tamper((trx) =>
      sql`
        update audit_events as target set ${swapped}
        from audit_events as other
        where target.chain = ${CHAIN} and other.chain = ${CHAIN}
          and ((target.seq = 3 and other.seq = 4) or (target.seq = 4 and other.seq = 3))
      `.execute(trx),
    )

    const report = await verifyBothWays(db)

    expect(report.valid).toBe(false)
    expect(report.failure).toMatchObject({ kind: 'hash_mismatch', seq: 3 })
    expect(report.entriesChecked).toBe(2)
  })

  describe('entry inserted at 10 with later seqs shifted', () => {
    async function insertAtTen(hashOf: (prevHash: string, canonical: Buffer) => string): Promise<void> {
      const previous = JSON.parse(((await storedRow(9)).canonical as Buffer).toString('utf8')) as AuditEntry
      const prevHash = await storedHash(9)
      const forged: AuditEntry = {
        ...previous,
        ...sampleEvent({ outcome: 'allow' }),
        partnerId: null,
        grantId: null,
        seq: 10,
        prevHash,
      }
      const canonical = entryCanonicalBytes(forged)

      await tamper(async (trx) => {
        await sql`update audit_events set seq = seq + 1000000 where seq >= 10`.execute(trx)
        await sql`update audit_events set seq = seq - 1000000 + 1 where seq >= 1000000`.execute(trx)
        await trx.insertInto('audit_events').values(entryToRow(forged, canonical, hashOf(prevHash, canonical))).execute()
      })
    }

    test('with a wrong hash, fails at 10', async () => {
      await appendMany(20)
      await insertAtTen(() => randomBytes(32).toString('hex'))

      const report = await verifyBothWays(db)

      expect(report.failure).toMatchObject({ kind: 'hash_mismatch', seq: 10 })
    })

    test('with a valid hash, fails at 11', async () => {
      await appendMany(20)
      await insertAtTen((prevHash, canonical) => chainHash(prevHash, canonical))

      const report = await verifyBothWays(db)

      // Entry 10 is well formed and links to 9. The shifted entry after it
      // still links to 9 too, so the chain breaks there.
      expect(report.failure).toMatchObject({ kind: 'hash_mismatch', seq: 11 })
      expect(report.entriesChecked).toBe(10)
    })
  })

  test('subject_id column changed at 6', async () => {
    await appendMany(10)
    await tamper((trx) => trx.updateTable('audit_events').set({ subject_id: randomUUID() }).where('seq', '=', 6).execute())

    const report = await verifyBothWays(db)

    expect(report.failure).toMatchObject({ kind: 'entry_mismatch', seq: 6 })
    expect(report.failure?.detail).toBe('column subject_id differs from the hashed entry')
  })

  test('time column changed at 4', async () => {
    await appendMany(10)
    await tamper((trx) =>
      sql`update audit_events set time = time - interval '1 day' where seq = 4`.execute(trx),
    )

    const report = await verifyBothWays(db)

    expect(report.failure).toMatchObject({ kind: 'entry_mismatch', seq: 4 })
    expect(report.failure?.detail).toBe('column time differs from the hashed entry')
  })

  test('non-canonical bytes with valid hash at 2', async () => {
    await appendMany(3)
    await tamper(async (trx) => {
      const row = await storedRow(2, trx)
      const entry = JSON.parse((row.canonical as Buffer).toString('utf8')) as AuditEntry
      const spaced = Buffer.from(JSON.stringify(entry, null, 1), 'utf8')
      const hash = chainHash(entry.prevHash, spaced)
      await trx.updateTable('audit_events').set({ canonical: spaced, hash: Buffer.from(hash, 'hex') }).where('seq', '=', 2).execute()
    })

    const report = await verifyBothWays(db)

    expect(report.failure).toMatchObject({ kind: 'entry_mismatch', seq: 2 })
  })

  test('entry added to an unused chain', async () => {
    await appendMany(3)
    const entry: AuditEntry = {
      ...JSON.parse(((await storedRow(1)).canonical as Buffer).toString('utf8')),
      chain: AUDIT_CHAIN_COUNT,
    }
    const canonical = entryCanonicalBytes(entry)
    await db.insertInto('audit_events').values(entryToRow(entry, canonical, chainHash(GENESIS_HASH, canonical))).execute()

    const report = await verifyBothWays(db)

    expect(report.failure).toMatchObject({ kind: 'unknown_chain', chain: AUDIT_CHAIN_COUNT, seq: 1 })
    expect(report.entriesChecked).toBe(3)
  })

  test('chain rewritten from 7 after a checkpoint at 10', async () => {
    await appendMany(20)
    await insertCheckpoint(10, await storedHash(10))
    await tamper((trx) =>
      rewriteChainFrom(trx, 7, (entry) => {
        entry.outcome = 'deny'
      }),
    )

    const report = await verifyBothWays(db)

    expect(report.failure).toMatchObject({ kind: 'checkpoint_mismatch', seq: 10 })
  })

  test('chain rewritten from 7 without a checkpoint goes unnoticed', async () => {
    // Documents the limit: without a checkpoint after the change, a rewritten
    // tail is a valid chain.
    await appendMany(20)
    await tamper((trx) =>
      rewriteChainFrom(trx, 7, (entry) => {
        entry.outcome = 'deny'
      }),
    )

    const report = await verifyBothWays(db)

    expect(report.valid).toBe(true)
  })

  test('entries 18 to 20 removed after a checkpoint at 20', async () => {
    await appendMany(20)
    await insertCheckpoint(20, await storedHash(20))
    await tamper((trx) => trx.deleteFrom('audit_events').where('seq', '>=', 18).execute())

    const report = await verifyBothWays(db)

    expect(report.failure).toMatchObject({ kind: 'checkpoint_mismatch', seq: 20 })
    expect(report.failure?.detail).toContain('entries after 17 are missing')
    expect(report.entriesChecked).toBe(17)
  })

  test('entries 18 to 20 removed without a checkpoint go unnoticed', async () => {
    await appendMany(20)
    await tamper((trx) => trx.deleteFrom('audit_events').where('seq', '>=', 18).execute())

    const report = await verifyBothWays(db)

    expect(report.valid).toBe(true)
    expect(report.entriesChecked).toBe(17)
  })
})

describe('verifyChain checkpoints', () => {
  test('matching checkpoints are counted across batches', async () => {
    await appendMany(20)
    for (const seq of [5, 10, 10, 15, 20]) {
      await insertCheckpoint(seq, await storedHash(seq))
    }

    const report = await verifyBothWays(db, { batchSize: 3 })

    expect(report.valid).toBe(true)
    expect(report.checkpointsChecked).toBe(5)
  })

  test('checkpoint with wrong head hash at 12', async () => {
    await appendMany(20)
    await insertCheckpoint(5, await storedHash(5))
    await insertCheckpoint(12, randomBytes(32).toString('hex'))

    const report = await verifyBothWays(db)

    expect(report.failure).toMatchObject({ kind: 'checkpoint_mismatch', seq: 12 })
    expect(report.checkpointsChecked).toBe(1)
    expect(report.entriesChecked).toBe(12)
  })

  test('signature verifier returning false', async () => {
    await appendMany(10)
    await insertCheckpoint(8, await storedHash(8))
    const seen: StoredCheckpoint[] = []

    // Chain by chain only: the parallel scan calls the verifier again when it falls back.
    const report = await verifyChain(db, {
      workers: 0,
      verifySignature: async (checkpoint) => {
        seen.push(checkpoint)
        return false
      },
    })

    expect(report.failure).toMatchObject({ kind: 'bad_signature', seq: 8 })
    expect(seen).toHaveLength(1)
    expect(seen[0]).toMatchObject({ chain: CHAIN, seq: 8, headHash: await storedHash(8), keyId: SIGNING_KEY_ID })
    expect(seen[0]?.message.toString('utf8')).toBe('checkpoint 8')
  })

  test('signature verifier returning true', async () => {
    await appendMany(10)
    await insertCheckpoint(8, await storedHash(8))

    const report = await verifyBothWays(db, { verifySignature: async () => true })

    expect(report.valid).toBe(true)
    expect(report.checkpointsChecked).toBe(1)
  })

  test('signature verifier returning false, with a parallel scan', async () => {
    await appendMany(10)
    await insertCheckpoint(8, await storedHash(8))

    const report = await verifyBothWays(db, { verifySignature: async () => false })

    expect(report.failure).toMatchObject({ kind: 'bad_signature', seq: 8 })
  })

  test('concurrent verifications run one at a time', async () => {
    await appendMany(4)
    await insertCheckpoint(4, await storedHash(4))
    let enterFirst!: () => void
    const firstEntered = new Promise<void>((resolve) => (enterFirst = resolve))
    let releaseFirst!: () => void
    const firstReleased = new Promise<void>((resolve) => (releaseFirst = resolve))
    let secondStarted = false

    const first = verifyChain(db, {
      verifySignature: async () => {
        enterFirst()
        await firstReleased
        return true
      },
    })
    const second = verifyChain(db, {
      verifySignature: async () => {
        secondStarted = true
        return true
      },
    })
    await firstEntered
    // The second call has had time to read the whole log, had it not waited.
    await new Promise((resolve) => setTimeout(resolve, 200))
    expect(secondStarted).toBe(false)

    releaseFirst()
    expect((await first).valid).toBe(true)
    expect((await second).valid).toBe(true)
    expect(secondStarted).toBe(true)
  })

  test('invalid batch size is rejected', async () => {
    await expect(verifyChain(db, { batchSize: 0 })).rejects.toThrow('invalid batchSize 0')
  })

  test('invalid worker count is rejected', async () => {
    await expect(verifyChain(db, { workers: 17 })).rejects.toThrow('invalid workers 17: must be an integer from 0 to 16')
    await expect(verifyChain(db, { workers: 1.5 })).rejects.toThrow('invalid workers 1.5')
  })
})
