import pg from 'pg';

/** A superuser connection to a test vault's database, for checks the API cannot make. */
export interface VaultDatabase {
  client: pg.Client;
  sessionCount(): Promise<number>;
  /** The audit entries of one request, oldest first. */
  auditEntriesOf(requestId: string): Promise<Array<{ action: string; outcome: string; reason: string | null; actor_type: string; actor_id: string | null }>>;
  close(): Promise<void>;
}

export async function openVaultDatabase(databaseUrl: string): Promise<VaultDatabase> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  return {
    client,
    async sessionCount() {
      const result = await client.query<{ count: string }>('select count(*) as count from sessions');
      return Number(result.rows[0]!.count);
    },
    async auditEntriesOf(requestId) {
      const result = await client.query(
        'select action, outcome, reason, actor_type, actor_id from audit_events where request_id = $1 order by time, chain, seq',
        [requestId],
      );
      return result.rows;
    },
    close: () => client.end(),
  };
}
