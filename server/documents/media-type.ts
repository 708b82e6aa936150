/** Media types the vault stores, each recognised by its leading bytes. */
export type MediaType = 'application/pdf' | 'image/jpeg' | 'image/png';

// Signatures: "%PDF-" (ISO 32000-1, 7.5.2), the JPEG SOI marker followed by
// the first marker's FF, and the eight-byte PNG signature (RFC 2083, 3.1).
const SIGNATURES: ReadonlyArray<{ mediaType: MediaType; bytes: readonly number[] }> = [
  { mediaType: 'application/pdf', bytes: [0x25, 0x50, 0x44, 0x46, 0x2d] },
  { mediaType: 'image/jpeg', bytes: [0xff, 0xd8, 0xff] },
  { mediaType: 'image/png', bytes: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a] },
];

/** Bytes needed to recognise every accepted type: the longest signature. */
export const SIGNATURE_BYTES = Math.max(...SIGNATURES.map((signature) => signature.bytes.length));

/** File name extension used when the client sent no file name. */
export const DEFAULT_EXTENSION: Record<MediaType, string> = {
  'application/pdf': 'pdf',
  'image/jpeg': 'jpg',
  'image/png': 'png',
};

/**
 * Decides a file's media type from its first bytes alone; the name and the
 * Content-Type the client claims are ignored. Returns undefined for anything
 * else, including a file shorter than the signature it starts with.
 */
export function detectMediaType(head: Uint8Array): MediaType | undefined {
  for (const { mediaType, bytes } of SIGNATURES) {
    if (head.length >= bytes.length && bytes.every((byte, index) => head[index] === byte)) return mediaType;
  }
  return undefined;
}
