import { createServer } from 'node:net'
import { randomUUID } from 'node:crypto'

import { sql, type Kysely } from 'kysely'
import { to as copyTo } from 'pg-copy-streams'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'

import { appendAuditEvent } from '../../audit/append.js'
import { AUDIT_CHAINS, chainOf } from '../../audit/chains.js'
import { ChainScan, SCANNED_COLUMNS, type ExpectedCheckpoint, type HoldLimits, type ScanResult } from '../../audit/chain-scan.js'
import { readCheckpointsByChain } from '../../audit/checkpoint-reader.js'
import { readCopyRows, type CopyBatch } from '../../audit/copy-rows.js'
import { scanInParallel } from '../../audit/parallel-scan.js'
import { scanSnapshotPart } from '../../audit/snapshot-scan.js'
import type { AuditEventInput } from '../../audit/entry.js'
import { verifyChain } from '../../audit/verify.js'
import { poolOf } from '../../server/db/pool.js'
import { resetAuditLog } from '../support/audit-log.js'
import { createTestDatabase, type TestDatabase } from '../support/test-database.js'
import { verifyBothWays } from '../support/verify-both-ways.js'

// The scan reads rows in the table's physical order. These cases feed it
// rows in chosen orders, taken from a real log through the same binary COPY.

let database: TestDatabase
let db: Kysely<any>

const FIRST = randomUUID()
const FIRST_CHAIN = chainOf({ subjectId: FIRST, actorId: null, requestId: null })
const SECOND = subjectOutside(FIRST_CHAIN)
const SECOND_CHAIN = chainOf({ subjectId: SECOND, actorId: null, requestId: null })
const CHAINS = [FIRST_CHAIN, SECOND_CHAIN]
const WIDE: HoldLimits = { rows: 1_000, bytes: 1024 * 1024 }

beforeAll(async () => {
  database = await createTestDatabase({ poolSize: 4 })
  db = database.db
  await resetAuditLog(db)
  // Ten entries in each chain, interleaved.
  for (let index = 0; index < 10; index++) {
    await append(FIRST)
    await append(SECOND)
  }
})

afterAll(async () => {
  await database?.destroy()
})

function subjectOutside(chain: number): string {
  for (;;) {
    const subject = randomUUID()
    if (chainOf({ subjectId: subject, actorId: null, requestId: null }) !== chain) return subject
  }
}

async function append(subjectId: string): Promise<void> {
  const event: AuditEventInput = {
    actorType: 'person',
    actorId: subjectId,
    subjectId,
    action: 'document.read',
    resourceType: 'document',
    resourceId: randomUUID(),
    outcome: 'allow',
    reason: null,
    requestId: randomUUID(),
    sourceAddress: '127.0.0.1',
  }
  await db.transaction().execute((trx) => appendAuditEvent(trx, event))
}

/** Reads the log's rows in the given SQL order, one row per batch. */
async function rowsInOrder(order: string): Promise<CopyBatch[]> {
  const client = await poolOf(db).connect()
  try {
    const stream = client.query(copyTo(`copy (select ${SCANNED_COLUMNS.join(', ')} from audit_events order by ${order}) to stdout (format binary)`))
    const rows: CopyBatch[] = []
    for await (const batch of readCopyRows(stream, SCANNED_COLUMNS.length, 1)) rows.push(batch)
    return rows
  } finally {
    client.release()
  }
}

function seqOf(row: CopyBatch): number {
  return Number(row.buffer.readBigInt64BE(row.offsets[2]!))
}

function chainOfRow(row: CopyBatch): number {
  return row.buffer.readInt16BE(row.offsets[0]!)
}

async function storedHash(chain: number, seq: number): Promise<string> {
  const row = await db.selectFrom('audit_events').select('hash').where('chain', '=', chain).where('seq', '=', seq).executeTakeFirstOrThrow()
  return (row.hash as Buffer).toString('hex')
}

function scan(rows: CopyBatch[], checkpoints = new Map<number, ExpectedCheckpoint[]>(), limits = WIDE, chains = CHAINS): ScanResult {
  const chainScan = new ChainScan(chains, checkpoints, limits)
  for (const row of rows) {
    if (!chainScan.add(row)) break
  }
  return chainScan.finish()
}

describe('ChainScan', () => {
  test('rows in seq order verify both chains', async () => {
    const result = scan(await rowsInOrder('seq, chain'))

    expect(result).toEqual({
      ok: true,
      chains: [
        { chain: FIRST_CHAIN, entries: 10, headHash: await storedHash(FIRST_CHAIN, 10), checkpointsChecked: 0 },
        { chain: SECOND_CHAIN, entries: 10, headHash: await storedHash(SECOND_CHAIN, 10), checkpointsChecked: 0 },
      ].sort((left, right) => left.chain - right.chain),
    })
  })

  test('rows in reverse order are held until their predecessor comes', async () => {
    const result = scan(await rowsInOrder('seq desc'))

    expect(result.ok).toBe(true)
    expect(result.ok && result.chains.map((chain) => chain.entries)).toEqual([10, 10])
  })

  test('more rows held than the limit is a doubt', async () => {
    const result = scan(await rowsInOrder('seq desc'), new Map(), { rows: 5, bytes: 1024 * 1024 })

    expect(result).toMatchObject({ ok: false, doubt: { seq: 1, reason: 'more than 5 rows or 1048576 bytes came before their predecessor' } })
  })

  test('more bytes held than the limit is a doubt', async () => {
    const result = scan(await rowsInOrder('seq desc'), new Map(), { rows: 1_000, bytes: 2_000 })

    expect(result).toMatchObject({ ok: false, doubt: { seq: 1, reason: expect.stringContaining('2000 bytes') } })
  })

  test('a missing entry is a doubt at its seq', async () => {
    const rows = (await rowsInOrder('seq')).filter((row) => !(chainOfRow(row) === FIRST_CHAIN && seqOf(row) === 5))

    expect(scan(rows)).toEqual({ ok: false, doubt: { chain: FIRST_CHAIN, seq: 5, reason: 'an entry is missing before later ones' } })
  })

  test('a row given twice is a doubt', async () => {
    const rows = await rowsInOrder('seq')
    const third = rows.find((row) => chainOfRow(row) === SECOND_CHAIN && seqOf(row) === 3)!

    expect(scan([...rows, third])).toEqual({ ok: false, doubt: { chain: SECOND_CHAIN, seq: 3, reason: 'a seq comes twice, or is not a positive integer' } })
  })

  test('an entry out of its place in the chain is a doubt', async () => {
    const rows = await rowsInOrder('seq')
    const fourth = rows.find((row) => chainOfRow(row) === FIRST_CHAIN && seqOf(row) === 4)!
    // The fourth entry's row given in place of the third: its seq is then
    // held, and the real third entry never links to it.
    const swapped = rows.map((row) => (chainOfRow(row) === FIRST_CHAIN && seqOf(row) === 3 ? fourth : row))

    expect(scan(swapped)).toMatchObject({ ok: false, doubt: { chain: FIRST_CHAIN } })
  })

  test('a row of a chain the scan does not read is a doubt', async () => {
    const result = scan(await rowsInOrder('seq'), new Map(), WIDE, [FIRST_CHAIN])

    expect(result).toEqual({ ok: false, doubt: { chain: SECOND_CHAIN, seq: Number.NaN, reason: 'a row belongs to a chain this scan does not read' } })
  })

  test('checkpoints that match are counted', async () => {
    const checkpoints = new Map([[FIRST_CHAIN, [
      { id: '1', seq: 4, headHash: await storedHash(FIRST_CHAIN, 4) },
      { id: '2', seq: 10, headHash: await storedHash(FIRST_CHAIN, 10) },
    ]]])

    const result = scan(await rowsInOrder('seq desc'), checkpoints)

    expect(result.ok && result.chains.find((chain) => chain.chain === FIRST_CHAIN)?.checkpointsChecked).toBe(2)
  })

  test('a checkpoint with another hash is a doubt at its seq', async () => {
    const checkpoints = new Map([[SECOND_CHAIN, [{ id: '7', seq: 6, headHash: await storedHash(SECOND_CHAIN, 5) }]]])

    expect(scan(await rowsInOrder('seq'), checkpoints)).toEqual({
      ok: false,
      doubt: { chain: SECOND_CHAIN, seq: 6, reason: "checkpoint 7 does not match the entry's hash" },
    })
  })

  test('a checkpoint past the last entry is a doubt', async () => {
    const checkpoints = new Map([[FIRST_CHAIN, [{ id: '9', seq: 11, headHash: await storedHash(FIRST_CHAIN, 10) }]]])

    expect(scan(await rowsInOrder('seq'), checkpoints)).toEqual({
      ok: false,
      doubt: { chain: FIRST_CHAIN, seq: 11, reason: 'a checkpoint names a seq past the last entry' },
    })
  })
})

describe('parallel verification', () => {
  test('rows moved to the end of the table still verify from the scan', async () => {
    // An UPDATE that changes nothing still writes new row versions, at the
    // end of the table: the first entries then come last in a scan, as
    // entries that reused free space would.
    await db.transaction().execute(async (trx) => {
      await sql`alter table audit_events disable trigger user`.execute(trx)
      await sql`update audit_events set seq = seq where seq <= 3`.execute(trx)
      await sql`alter table audit_events enable trigger user`.execute(trx)
    })
    const physical = await rowsInOrder('ctid')
    expect(seqOf(physical.at(-1)!)).toBeLessThanOrEqual(3)

    const report = await verifyBothWays(db)

    expect(report).toMatchObject({ valid: true, entriesChecked: 20 })
  })

  test('appends during a scan stay out of its snapshot', async () => {
    const before = Number((await sql<{ count: string }>`select count(*) as count from audit_events`.execute(db)).rows[0]!.count)
    const outcomes: string[] = []

    const [report] = await Promise.all([
      verifyChain(db, { workers: 2, onScan: (outcome) => outcomes.push(outcome) }),
      Promise.all(Array.from({ length: 30 }, (_, index) => append(index % 2 === 0 ? FIRST : SECOND))),
    ])

    expect(report.valid).toBe(true)
    expect(outcomes).toEqual(['scan'])
    expect(report.entriesChecked).toBeGreaterThanOrEqual(before)
    expect(report.entriesChecked).toBeLessThanOrEqual(before + 30)
    // Each chain's head in the report is an entry that exists with that hash.
    for (const head of report.heads) {
      expect(await storedHash(head.chain, head.seq)).toBe(head.hash)
    }
    expect((await verifyChain(db, { workers: 2 })).entriesChecked).toBe(before + 30)
  })

  test('a part reads the exported snapshot, not later appends', async () => {
    const client = await poolOf(db).connect()
    try {
      await client.query('begin isolation level repeatable read read only')
      const { rows } = await client.query<{ snapshot: string; count: string }>('select pg_export_snapshot() as snapshot, (select count(*) from audit_events) as count')
      await append(FIRST)
      await append(SECOND)

      const result = await scanSnapshotPart({
        connection: { connectionString: database.url },
        snapshot: rows[0]!.snapshot,
        parts: 1,
        part: 0,
        chains: AUDIT_CHAINS,
        checkpoints: [],
        batchSize: 100,
      })

      expect(result.ok).toBe(true)
      const entries = result.ok ? result.chains.reduce((sum, chain) => sum + chain.entries, 0) : -1
      expect(entries).toBe(Number(rows[0]!.count))
      await client.query('commit')
    } finally {
      client.release()
    }
  })

  test('a worker that cannot connect rejects the scan', async () => {
    const closedPort = await portWithNoListener()
    const client = await poolOf(db).connect()
    try {
      await client.query('begin isolation level repeatable read read only')
      const checkpoints = await readCheckpointsByChain(client, CHAINS)

      await expect(
        scanInParallel(client, checkpoints, { parts: 2, batchSize: 100, connection: { connectionString: `postgres://coffre@127.0.0.1:${closedPort}/none` } }),
      ).rejects.toThrow(/ECONNREFUSED/)
      await client.query('rollback')
    } finally {
      client.release()
    }
  })
})

/** Finds a loopback port that was just free, so that a connection to it is refused. */
async function portWithNoListener(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}
