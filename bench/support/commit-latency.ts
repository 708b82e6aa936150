import pg from 'pg';

import { quantile } from './stats.js';

/**
 * Measures the latency of small committed inserts on the server, one at a
 * time: each commit waits for its WAL flush unless fsync or
 * synchronous_commit is off. Every audit append ends in such a commit, so
 * this is a floor for any request that records one. Uses a scratch table
 * in the given database and drops it.
 */
export async function measureCommitLatency(databaseUrl: string, commits = 200): Promise<{ p50Ms: number; p99Ms: number }> {
  const client = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    await client.query('create table bench_commit_probe (id bigint)');
    const times: number[] = [];
    for (let index = 0; index < commits; index++) {
      const start = performance.now();
      await client.query('insert into bench_commit_probe values ($1)', [index]);
      times.push(performance.now() - start);
    }
    await client.query('drop table bench_commit_probe');
    return { p50Ms: quantile(times, 0.5), p99Ms: quantile(times, 0.99) };
  } finally {
    await client.end();
  }
}
