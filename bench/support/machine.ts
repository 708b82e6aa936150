import os from 'node:os';

import pg from 'pg';

/** The conditions of a run, written above its figures because absolute numbers drift on a shared machine. */
export interface MachineFacts {
  date: string;
  cores: number;
  cpuModel: string;
  memoryGiB: number;
  node: string;
  postgres: string;
  fsync: string;
  synchronousCommit: string;
  loadAverage: number[];
}

/** Reads the machine's facts and the settings of the PostgreSQL server at `databaseUrl`. */
export async function readMachineFacts(databaseUrl: string): Promise<MachineFacts> {
  const client = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    const setting = async (name: string): Promise<string> => (await client.query<{ value: string }>('select current_setting($1) as value', [name])).rows[0]?.value ?? 'unknown';
    return {
      date: new Date().toISOString(),
      cores: os.cpus().length,
      cpuModel: os.cpus()[0]?.model.trim() ?? 'unknown',
      memoryGiB: Math.round(os.totalmem() / 2 ** 30),
      node: process.version,
      postgres: await setting('server_version'),
      fsync: await setting('fsync'),
      synchronousCommit: await setting('synchronous_commit'),
      loadAverage: os.loadavg(),
    };
  } finally {
    await client.end();
  }
}

/** Describes the machine and the load averages before and after a benchmark in one Markdown line. */
export function describeRun(facts: MachineFacts, seconds: number): string {
  const load = (values: number[]): string => values.map((value) => value.toFixed(2)).join(' / ');
  return (
    `Run of ${facts.date.slice(0, 16).replace('T', ' ')} UTC, ${Math.round(seconds)} s: ${facts.cores} cores (${facts.cpuModel}), ` +
    `${facts.memoryGiB} GiB, Node ${facts.node.replace(/^v/, '')}, PostgreSQL ${facts.postgres} on 127.0.0.1 ` +
    `(fsync ${facts.fsync}, synchronous_commit ${facts.synchronousCommit}). ` +
    `Load average (1 / 5 / 15 min) before: ${load(facts.loadAverage)}, after: ${load(os.loadavg())}.`
  );
}
