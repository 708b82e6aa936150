/**
 * The single error for every failed decryption or unwrap: wrong key, tampered or
 * truncated data, reordered or foreign stream chunks, or data opened under another
 * context. The message is fixed so that it reveals nothing about which check failed.
 * The underlying error, if any, is kept in the standard non-enumerable `cause`.
 */
export class DecryptionFailed extends Error {
  override name = 'DecryptionFailed';

  constructor(options?: { cause?: unknown }) {
    super('decryption failed', options);
  }
}

/**
 * A key provider that cannot supply a key: a missing, unreadable, badly protected or
 * malformed key file, an invalid environment value, or an unknown key id. The message
 * names the file or variable and the fix, and never contains key material.
 */
export class KeyProviderError extends Error {
  override name = 'KeyProviderError';

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}
