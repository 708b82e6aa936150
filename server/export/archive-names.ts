import type { MediaType } from '../documents/media-type.js';

/** Folder of the archive that contains the documents, apart from the files the vault writes. */
export const DOCUMENTS_FOLDER = 'documents/';

// A name is at most this many bytes of UTF-8, below the 255-byte limit of
// common file systems, with room for a " (12)" suffix.
const MAX_NAME_BYTES = 200;

// Separators, characters that Windows forbids in names, and C0/C1 controls.
const UNSAFE_CHARACTERS = /[/\\:*?"<>|\p{Cc}]/gu;
// Device names that Windows refuses whatever the extension.
const WINDOWS_DEVICE_NAME = /^(con|prn|aux|nul|com[0-9]|lpt[0-9])$/i;

const EXTENSIONS: Record<MediaType, readonly string[]> = {
  'application/pdf': ['.pdf'],
  'image/jpeg': ['.jpg', '.jpeg'],
  'image/png': ['.png'],
};

/**
 * Makes a stored file name safe to extract anywhere: unsafe characters
 * become `_`, runs of dots become one dot (so no `..`), leading dots and
 * trailing dots or spaces go, and a Windows device name gets a `_` prefix.
 * The extension of the stored media type is added when the name lacks it,
 * so the file opens with the right program. Never returns an empty name.
 */
export function safeFileName(fileName: string, mediaType: MediaType): string {
  let name = fileName
    .normalize('NFC')
    .replace(UNSAFE_CHARACTERS, '_')
    .replace(/\.{2,}/g, '.')
    .replace(/^[.\s]+/, '')
    .replace(/[.\s]+$/, '');
  if (name === '') name = 'document';

  const extensions = EXTENSIONS[mediaType];
  const lower = name.toLowerCase();
  if (!extensions.some((extension) => lower.endsWith(extension))) name = `${name}${extensions[0]}`;

  const { stem, extension } = splitExtension(name);
  const safeStem = WINDOWS_DEVICE_NAME.test(stem) ? `_${stem}` : stem;
  return `${truncateUtf8(safeStem, MAX_NAME_BYTES - Buffer.byteLength(extension))}${extension}`;
}

/**
 * Gives each name a unique path in the archive, in the order given: the
 * first keeps its name, later ones become `name (2).ext`, `name (3).ext`…
 * Names are compared without case, as Windows and macOS file systems do.
 * `reserved` lists paths that are already taken.
 */
export function assignUniqueNames(names: readonly string[], reserved: Iterable<string> = []): string[] {
  const taken = new Set([...reserved].map((name) => name.toLowerCase()));
  return names.map((name) => {
    let candidate = name;
    const { stem, extension } = splitExtension(name);
    for (let number = 2; taken.has(candidate.toLowerCase()); number++) candidate = `${stem} (${number})${extension}`;
    taken.add(candidate.toLowerCase());
    return candidate;
  });
}

function splitExtension(name: string): { stem: string; extension: string } {
  const dot = name.lastIndexOf('.');
  return dot > 0 ? { stem: name.slice(0, dot), extension: name.slice(dot) } : { stem: name, extension: '' };
}

// Cuts between code points, never inside one.
function truncateUtf8(text: string, maxBytes: number): string {
  if (Buffer.byteLength(text) <= maxBytes) return text;
  let result = '';
  let bytes = 0;
  for (const character of text) {
    bytes += Buffer.byteLength(character);
    if (bytes > maxBytes) break;
    result += character;
  }
  return result.trimEnd();
}
