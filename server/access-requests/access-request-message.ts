import { openEnvelope, sealEnvelope } from '../../crypto/aead-envelope.js';
import { accessRequestMessageContext } from '../../crypto/associated-data.js';

/** Maximum length of a partner's message, in Unicode code points after trimming. */
export const MESSAGE_MAX_LENGTH = 1000;

const utf8Encoder = new TextEncoder();
const utf8Decoder = new TextDecoder('utf-8', { fatal: true });

/**
 * Returns a partner's message as it is stored: NFC-normalized and trimmed,
 * or null when empty. The route rejects longer texts before this.
 */
export function normalizeMessage(message: string | null | undefined): string | null {
  const normalized = message?.normalize('NFC').trim() ?? '';
  return normalized === '' ? null : normalized;
}

/**
 * Seals a partner's message under the person's user key, bound to the
 * request id: the message is personal data addressed to the person, and
 * erasing the person's key makes it unreadable with their documents.
 */
export async function sealMessage(userKey: Uint8Array, requestId: string, message: string): Promise<Uint8Array> {
  return sealEnvelope(userKey, utf8Encoder.encode(message), accessRequestMessageContext(requestId));
}

/** Opens a sealed message. Throws DecryptionFailed on any mismatch of key, request or bytes. */
export async function openMessage(userKey: Uint8Array, requestId: string, sealed: Uint8Array): Promise<string> {
  return utf8Decoder.decode(await openEnvelope(userKey, sealed, accessRequestMessageContext(requestId)));
}
