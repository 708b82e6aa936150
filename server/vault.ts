import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';

import type { Express } from 'express';

import type { KeyProvider } from '../crypto/key-provider.js';
import { envKeyProvider } from '../crypto/env-key-provider.js';
import { openFileKeyProvider } from '../crypto/file-key-provider.js';
import { createApp } from './app.js';
import { createAuditFeature } from './audit/audit.feature.js';
import type { Config } from './config/config.js';
import type { AppContext } from './context.js';
import { prepareSchema, resolveDatabase } from './db/bootstrap.js';
import { checkedOutClients, openDatabase } from './db/pool.js';
import { documentRoutes } from './documents/document.routes.js';
import { createDpoFeature } from './dpo/dpo.feature.js';
import { erasureRoutes } from './erasure/erasure.routes.js';
import { exportRoutes } from './export/export.routes.js';
import { adminPageRoutes } from './web/admin/admin-pages.routes.js';
import { dpoPageRoutes } from './web/dpo/dpo-pages.routes.js';
import type { Feature } from './feature.js';
import { createGrantsFeature } from './grants/grants.feature.js';
import { createIdentity } from './identity/identity.js';
import { logger } from './logging/logger.js';
import { createOpenApiFeature } from './openapi/openapi.feature.js';
import { createPartnersFeature } from './partners/partners.feature.js';
import { createWebFeature } from './web/web.feature.js';

export interface RunningVault {
  /** Base URL the server listens on, e.g. http://127.0.0.1:3000. */
  url: string;
  ctx: AppContext;
  server: Server;
  /** The Express application, kept so that tests can list its routes. */
  app: Express;
  stop(): Promise<void>;
}

/** Opens the key provider the configuration names: COFFRE_MASTER_KEY, else the key file. */
export async function openKeyProvider(config: Config): Promise<KeyProvider> {
  if (config.masterKey.base64 !== undefined) return envKeyProvider(config.masterKey.base64);
  // Only the embedded default creates its key; elsewhere a missing file is an
  // operator's mistake that must stop the start.
  return openFileKeyProvider(config.masterKey.file, { create: config.env !== 'production' });
}

/**
 * Starts a whole vault: data folder, keys, database (embedded or not),
 * migrations, identity providers and the HTTP server. `main.ts` and the
 * tests both start it this way.
 */
export async function startVault(config: Config): Promise<RunningVault> {
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  const keys = await openKeyProvider(config);

  const target = await resolveDatabase(config);
  await prepareSchema(config, target);
  const { db, pool } = openDatabase({ url: target.runtimeUrl, max: config.database.poolSize, connectTimeoutMs: config.database.connectTimeoutMs });
  const ctx: AppContext = { config, db, pool, keys };

  // Order matters: identity first (the provider mounts before the session),
  // then the features whose routes build on a signed-in account.
  const features: Feature[] = [
    await createIdentity(ctx),
    { routers: [documentRoutes(ctx)] },
    createWebFeature(ctx),
    await createPartnersFeature(ctx),
    await createGrantsFeature(ctx),
    await createDpoFeature(ctx),
    { routers: [exportRoutes(ctx), erasureRoutes(ctx), dpoPageRoutes(ctx), adminPageRoutes(ctx)] },
    createOpenApiFeature(ctx),
    // Last: its close() writes the final checkpoint after every other
    // feature has stopped appending.
    await createAuditFeature(ctx),
  ];
  const app = createApp(ctx, {
    routers: features.flatMap((feature) => feature.routers ?? []),
    early: features.flatMap((feature) => feature.early ?? []),
    formActionOrigins: features.flatMap((feature) => feature.formActionOrigins ?? []),
  });

  const server = await new Promise<Server>((resolve, reject) => {
    const listening = app.listen(config.port, config.listenHost, (error?: Error) => (error ? reject(error) : resolve(listening)));
  });
  const address = server.address() as AddressInfo;
  const url = `http://${config.listenHost}:${address.port}`;
  for (const feature of features) await feature.start?.();
  logger.info('vault started', { url, embeddedDatabase: target.embedded, devIdentityProvider: config.oidc.devProvider });

  let stopping: Promise<void> | null = null;
  const stop = () => {
    stopping ??= (async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      // In list order, so the audit feature closes after every feature that appends.
      for (const feature of features) await feature.close?.();
      const leftOver = checkedOutClients(pool);
      if (leftOver > 0) logger.warn('database clients still checked out at stop', { count: leftOver });
      await db.destroy();
      await target.stop();
      logger.info('vault stopped');
    })();
    return stopping;
  };
  return { url, ctx, server, app, stop };
}
