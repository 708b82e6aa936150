import { exportJWK, generateKeyPair, type JWK } from 'jose';
import pg from 'pg';

/** An audit entry as the partner tests check it. */
export interface AuditRow {
  action: string;
  outcome: string;
  reason: string | null;
  actor_type: string;
  actor_id: string | null;
  resource_type: string | null;
  resource_id: string | null;
  partner_id: string | null;
  source_address: string | null;
}

/** Reads the audit entries of one request (by its X-Request-Id), oldest first, as the database superuser. */
export async function auditRowsOf(databaseUrl: string, requestId: string): Promise<AuditRow[]> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const result = await client.query<AuditRow>(
      `select action, outcome, reason, actor_type, actor_id, resource_type, resource_id, partner_id, source_address
         from audit_events where request_id = $1 order by time, chain, seq`,
      [requestId],
    );
    return result.rows;
  } finally {
    await client.end();
  }
}

/** Runs one query on a vault's database as the superuser. */
export async function queryAsSuperuser<T extends pg.QueryResultRow>(databaseUrl: string, text: string, values: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return (await client.query<T>(text, values)).rows;
  } finally {
    await client.end();
  }
}

/** Generates a signing key pair as JWKs: the private one for assertions, the public one to register. */
export async function signingKeyPair(alg: 'ES256' | 'PS256' | 'RS256' = 'ES256', kid = `key-${alg.toLowerCase()}-${Math.random().toString(16).slice(2, 10)}`): Promise<{ privateJwk: JWK; publicJwk: JWK }> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true, modulusLength: 2048 });
  return {
    privateJwk: { ...(await exportJWK(privateKey)), kid, alg },
    publicJwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' },
  };
}
