/**
 * The client closed the connection before the end of its upload. Nothing is
 * stored and no response is sent, because the connection is gone.
 */
export class UploadAbortedError extends Error {
  override name = 'UploadAbortedError';

  constructor() {
    super('client closed the connection before the end of the upload');
  }
}
