import { createHash, randomBytes } from 'node:crypto';

import type { Kysely, Transaction } from 'kysely';

import type { Database } from '../db/schema.js';
import type { Role, SessionInfo } from './session.types.js';

export function hashSessionId(sessionId: string): Buffer {
  return createHash('sha256').update(sessionId, 'utf8').digest();
}

export interface NewSession {
  accountId: string;
  roles: Role[];
  acr: string | null;
  authTime: Date;
  idTokenSealed?: Buffer | null;
}

/**
 * Creates a session and returns its id, which only the cookie holds: the
 * database keeps its SHA-256, so a database reader cannot take over a session.
 */
export async function createSession(
  trx: Transaction<Database> | Kysely<Database>,
  session: NewSession,
  lifetime: { absoluteHours: number },
  now = new Date(),
): Promise<{ sessionId: string; csrfToken: string; expiresAt: Date }> {
  const sessionId = randomBytes(32).toString('base64url');
  const csrfToken = randomBytes(32).toString('base64url');
  const expiresAt = new Date(now.getTime() + lifetime.absoluteHours * 3600_000);

  await trx
    .insertInto('sessions')
    .values({
      id_hash: hashSessionId(sessionId),
      account_id: session.accountId,
      roles: session.roles,
      csrf_token: csrfToken,
      acr: session.acr,
      auth_time: session.authTime,
      id_token_sealed: session.idTokenSealed ?? null,
      created_at: now,
      last_seen_at: now,
      expires_at: expiresAt,
    })
    .execute();
  return { sessionId, csrfToken, expiresAt };
}

export type SessionLookup =
  | { status: 'active'; session: SessionInfo; lastSeenAt: Date }
  | { status: 'expired'; accountId: string }
  | { status: 'unknown' };

/**
 * Finds a session by the id from its cookie. A revoked session is unknown;
 * one past its idle or absolute limit is expired.
 */
export async function findSession(db: Kysely<Database>, sessionId: string, idleMinutes: number, now = new Date()): Promise<SessionLookup> {
  const row = await db
    .selectFrom('sessions')
    .selectAll()
    .where('id_hash', '=', hashSessionId(sessionId))
    .executeTakeFirst();
  if (!row || row.revoked_at) return { status: 'unknown' };

  const idleLimit = row.last_seen_at.getTime() + idleMinutes * 60_000;
  if (now.getTime() >= row.expires_at.getTime() || now.getTime() >= idleLimit) {
    return { status: 'expired', accountId: row.account_id };
  }
  return {
    status: 'active',
    lastSeenAt: row.last_seen_at,
    session: {
      accountId: row.account_id,
      roles: row.roles as Role[],
      csrfToken: row.csrf_token,
      acr: row.acr,
      authTime: row.auth_time,
      expiresAt: new Date(Math.min(row.expires_at.getTime(), idleLimit)),
      idHash: row.id_hash,
    },
  };
}

export async function touchSession(db: Kysely<Database>, idHash: Buffer, now = new Date()): Promise<void> {
  await db.updateTable('sessions').set({ last_seen_at: now }).where('id_hash', '=', idHash).where('revoked_at', 'is', null).execute();
}

export async function revokeSession(trx: Transaction<Database> | Kysely<Database>, idHash: Buffer, now = new Date()): Promise<void> {
  await trx.updateTable('sessions').set({ revoked_at: now }).where('id_hash', '=', idHash).execute();
}

export async function readSealedIdToken(db: Kysely<Database>, idHash: Buffer): Promise<Buffer | null> {
  const row = await db.selectFrom('sessions').select('id_token_sealed').where('id_hash', '=', idHash).executeTakeFirst();
  return row?.id_token_sealed ?? null;
}
