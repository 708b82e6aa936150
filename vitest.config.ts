import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    pool: 'forks',
    // Two cores here: two test files at a time keeps PostgreSQL and the
    // crypto work from starving each other.
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 120_000,
    env: { COFFRE_SILENT_LOGS: 'true' },
    // Kysely's FileMigrationProvider imports the .ts migrations with a
    // dynamic import(); inlined, it goes through vitest's transform.
    server: { deps: { inline: ['kysely'] } },
  },
});
