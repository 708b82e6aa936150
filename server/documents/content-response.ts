import type { Request, Response } from 'express';

import { AppError } from '../errors/app-error.js';
import { noteStreamedBytes } from '../http/memory-pressure.js';
import { logger } from '../logging/logger.js';
import type { Download } from './download.service.js';

/**
 * Sends decrypted content as an attachment, with backpressure: after each
 * write that fills the socket's buffer, it waits for 'drain'. The first piece
 * is decrypted before any header is sent, so content that does not open at
 * all becomes a clean 500; a failure after that destroys the response, and
 * the client sees a transfer shorter than its Content-Length. `closed` is
 * aborted when the client goes away, which stops the transfer.
 */
export async function sendContent(req: Request, res: Response, download: Download, content: AsyncGenerator<Uint8Array>, closed: AbortSignal): Promise<void> {
  const { document } = download;
  const failed = (error: unknown) =>
    logger.error('document content failed to decrypt or read', { requestId: res.locals.requestId, documentId: document.id, error });

  try {
    let next: IteratorResult<Uint8Array>;
    try {
      next = await content.next();
    } catch (error) {
      failed(error);
      throw new AppError('internal_error', {}, { cause: error });
    }

    // res.attachment() also sets a Content-Type from the name's extension;
    // the stored type, decided from the bytes at upload, replaces it.
    res.attachment(download.fileName);
    res.setHeader('Content-Type', document.mediaType);
    res.setHeader('Content-Length', String(document.sizeBytes));
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Cache-Control', 'no-store');
    res.removeHeader('ETag');
    if (req.method === 'HEAD') {
      res.end();
      return;
    }

    try {
      while (!next.done) {
        noteStreamedBytes(next.value.byteLength);
        if (!res.write(next.value)) await drained(res);
        if (closed.aborted) return;
        next = await content.next();
      }
      res.end();
    } catch (error) {
      failed(error);
      res.destroy();
    }
  } finally {
    // Stops the chunk reader and releases the decryption state when the
    // transfer ended early: client gone, HEAD request or failure.
    await content.return(undefined);
  }
}

/** Resolves when the response can take more data, or when it never will. */
function drained(res: Response): Promise<void> {
  return new Promise((resolve) => {
    const finish = () => {
      res.off('drain', finish);
      res.off('close', finish);
      resolve();
    };
    res.on('drain', finish);
    res.on('close', finish);
  });
}
