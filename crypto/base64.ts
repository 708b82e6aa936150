const BASE64_PATTERN = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * Decodes standard padded base64 (RFC 4648 section 4), or returns undefined when `text`
 * is not exactly that. Buffer.from(text, 'base64') alone skips invalid characters, which
 * would let a damaged key value decode to other bytes.
 */
export function decodeBase64Strict(text: string): Uint8Array | undefined {
  if (!BASE64_PATTERN.test(text)) {
    return undefined;
  }
  const bytes = Buffer.from(text, 'base64');
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** Encodes bytes as standard padded base64. */
export function encodeBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}
