import type { DocumentCategory } from './document-category.js';
import type { MediaType } from './media-type.js';

/** A document as stored: clear category, type, size and date; everything else sealed. */
export interface StoredDocument {
  id: string;
  ownerId: string;
  category: DocumentCategory;
  mediaType: MediaType;
  sizeBytes: number;
  chunkCount: number;
  /** Document key wrapped by the owner's user key. */
  wrappedKey: Uint8Array;
  /** secretstream header of the content. */
  streamHeader: Uint8Array;
  titleSealed: Uint8Array;
  fileNameSealed: Uint8Array;
  createdAt: Date;
}

/**
 * A document as the API sends it to its owner. Built field by field from a
 * declared type, so a key or sealed value cannot reach the JSON.
 */
export interface DocumentView {
  id: string;
  category: DocumentCategory;
  title: string;
  fileName: string;
  mediaType: MediaType;
  sizeBytes: number;
  /** RFC 3339 UTC. */
  createdAt: string;
}

export type { ListPosition } from '../http/page-cursor.js';
