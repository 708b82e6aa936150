import { Router } from 'express';

import type { AppContext } from '../context.js';
import { writeChunk } from '../dpo/response-stream.js';
import { personActor } from '../grants/person-actor.js';
import { requestLocale } from '../i18n/locale.js';
import { requireSession } from '../identity/session.middleware.js';
import { logger } from '../logging/logger.js';
import { writeExportArchive } from './export-archive.js';
import { takeExportSnapshot } from './export-snapshot.js';
import { ZipWriter } from './zip-writer.js';

/** Error that stops the archive when the client has gone; nothing is logged for it. */
class ClientGoneError extends Error {
  override name = 'ClientGoneError';
}

/**
 * `GET /api/v1/export`: the signed-in person's whole vault as a ZIP archive,
 * streamed. The `account.export` audit entry commits before the first byte.
 * A failure before the first byte becomes a problem response. After the
 * first byte, a failure cuts the connection, so the client sees an
 * incomplete archive rather than a valid-looking one.
 */
export function exportRoutes(ctx: AppContext): Router {
  const router = Router();

  router.get('/api/v1/export', requireSession, async (req, res) => {
    const actor = personActor(req, res);
    const snapshot = await takeExportSnapshot(ctx, actor);

    const closed = new AbortController();
    res.once('close', () => closed.abort());
    const fileName = `coffre-export-${snapshot.exportedAt.toISOString().slice(0, 10)}.zip`;
    const zip = new ZipWriter(async (chunk) => {
      if (!res.headersSent) {
        // attachment() sets a type from the extension; the explicit one follows it.
        res.status(200).attachment(fileName).type('application/zip');
        res.set({ 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff' });
      }
      if (!(await writeChunk(res, chunk))) throw new ClientGoneError('the client closed the connection during the export');
    });

    try {
      await writeExportArchive(ctx, snapshot, { accountId: actor.accountId, locale: requestLocale(req), signal: closed.signal }, zip);
      res.end();
    } catch (error) {
      if (!res.headersSent) throw error;
      if (!(error instanceof ClientGoneError) && !closed.signal.aborted) {
        logger.error('export failed after its first byte', { requestId: actor.requestId, bytesWritten: zip.bytesWritten, error });
      }
      res.destroy();
    }
  });

  return router;
}

