/**
 * Turns a `postgres://` URL into the libpq environment variables that pg_dump and
 * pg_restore read, so the password never appears on a command line, where `ps` would
 * show it to every user of the machine.
 *
 * NOTE: only host, port, user, password, database and the `sslmode`, `sslrootcert`,
 * `sslcert` and `sslkey` query parameters are passed on. The tools connect without any
 * other parameter that the URL sets.
 */
export function libpqEnv(databaseUrl: string): Record<string, string> {
  const url = new URL(databaseUrl);
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
    throw new Error(`database URL has protocol ${url.protocol}, but pg_dump needs a postgres:// URL`);
  }
  const database = decodeURIComponent(url.pathname.replace(/^\//, ''));
  const env: Record<string, string> = {
    PGHOST: url.hostname.replace(/^\[(.*)\]$/, '$1') || '127.0.0.1',
    PGPORT: url.port || '5432',
    PGDATABASE: database || 'postgres',
  };
  if (url.username) env.PGUSER = decodeURIComponent(url.username);
  if (url.password) env.PGPASSWORD = decodeURIComponent(url.password);
  for (const [parameter, variable] of SSL_PARAMETERS) {
    const value = url.searchParams.get(parameter);
    if (value !== null) env[variable] = value;
  }
  return env;
}

const SSL_PARAMETERS: ReadonlyArray<[string, string]> = [
  ['sslmode', 'PGSSLMODE'],
  ['sslrootcert', 'PGSSLROOTCERT'],
  ['sslcert', 'PGSSLCERT'],
  ['sslkey', 'PGSSLKEY'],
];
