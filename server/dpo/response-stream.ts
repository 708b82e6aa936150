import type { Response } from 'express';

/**
 * Writes `chunk` to a streamed response and waits for the socket to drain
 * when its buffer is full, so memory stays bounded by one batch. Returns
 * false when the client has gone, so the caller stops reading.
 */
export async function writeChunk(res: Response, chunk: string | Uint8Array): Promise<boolean> {
  if (res.destroyed || res.writableEnded) return false;
  if (res.write(chunk)) return true;

  return new Promise<boolean>((resolve) => {
    const finish = (drained: boolean) => {
      res.off('drain', onDrain);
      res.off('close', onClose);
      resolve(drained && !res.destroyed);
    };
    const onDrain = () => finish(true);
    const onClose = () => finish(false);
    res.on('drain', onDrain);
    res.on('close', onClose);
  });
}
