import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import zlib from 'node:zlib';

import { updateCrc32 } from './crc32.js';

// A streaming ZIP writer, after PKWARE's APPNOTE.TXT. Each entry is a local
// header, its data and a data descriptor, because the CRC-32 and the
// compressed size are known only once the data has passed. The central
// directory follows the last entry. Only the central directory's records
// (one per entry, without data) stay in memory.

/** Destination of the archive's bytes. It resolves once the chunk may be followed by more. */
export type ZipSink = (chunk: Uint8Array) => Promise<void>;

/** Settings of one entry. */
export interface ZipEntryOptions {
  /** `store` for data that is already compressed (PDF, JPEG, PNG), `deflate` for text. */
  method: 'store' | 'deflate';
  /** Uncompressed size in bytes when known before writing. It decides whether the entry needs ZIP64. */
  size?: number;
  modifiedAt: Date;
}

/** Error thrown when an entry's data does not fit its header: a size other than declared, or one past 4 GiB that was not declared. */
export class ZipEntrySizeError extends Error {
  override name = 'ZipEntrySizeError';
}

const LOCAL_HEADER_SIGNATURE = 0x04034b50;
const DATA_DESCRIPTOR_SIGNATURE = 0x08074b50;
const CENTRAL_HEADER_SIGNATURE = 0x02014b50;
const ZIP64_END_SIGNATURE = 0x06064b50;
const ZIP64_LOCATOR_SIGNATURE = 0x07064b50;
const END_SIGNATURE = 0x06054b50;

/** Largest value of a 32-bit field; the value itself means "see the ZIP64 field". */
const MAX_32 = 0xffffffff;
const MAX_16 = 0xffff;

// General purpose flags: bit 3 (sizes and CRC in the data descriptor) and
// bit 11 (names are UTF-8).
const FLAGS = 0x0808;
const VERSION_DEFAULT = 20;
const VERSION_ZIP64 = 45;
// Upper byte 3: UNIX, so that the external attributes carry a file mode.
const VERSION_MADE_BY = (3 << 8) | VERSION_ZIP64;
const REGULAR_FILE_MODE = 0o100644;

const ZIP64_EXTRA_TAG = 0x0001;
const TIMESTAMP_EXTRA_TAG = 0x5455;

interface CentralRecord {
  name: Buffer;
  method: number;
  zip64: boolean;
  crc32: number;
  compressedSize: number;
  size: number;
  offset: number;
  modifiedAt: Date;
}

/**
 * Writes a ZIP archive entry by entry to `sink`. Entries are written one at a
 * time, in the order of the calls. ZIP64 records are used where a size or an
 * offset needs them: an entry whose declared size reaches 4 GiB, a central
 * directory past 4 GiB of data, or more than 65,534 entries. `forceZip64`
 * uses them everywhere, which readers accept and tests use to exercise them.
 */
export class ZipWriter {
  readonly #sink: ZipSink;
  readonly #forceZip64: boolean;
  readonly #entries: CentralRecord[] = [];
  #offset = 0;
  #finished = false;

  constructor(sink: ZipSink, options: { forceZip64?: boolean } = {}) {
    this.#sink = sink;
    this.#forceZip64 = options.forceZip64 ?? false;
  }

  /** Bytes written so far. */
  get bytesWritten(): number {
    return this.#offset;
  }

  /**
   * Writes one entry from `content` and returns its CRC-32 and size. `name`
   * is the path inside the archive, with `/` between folders; the caller
   * makes it safe. Throws ZipEntrySizeError when the data does not match
   * `options.size`, or passes 4 GiB without a declared size.
   */
  async addEntry(name: string, content: AsyncIterable<Uint8Array | string>, options: ZipEntryOptions): Promise<{ crc32: number; size: number }> {
    if (this.#finished) throw new Error('the ZIP archive is already finished; add every entry before finish()');
    const encodedName = Buffer.from(name, 'utf8');
    if (encodedName.length === 0 || encodedName.length > MAX_16) {
      throw new RangeError(`ZIP entry name must be 1 to ${MAX_16} bytes of UTF-8, got ${encodedName.length}`);
    }

    const zip64 = this.#forceZip64 || (options.size !== undefined && options.size >= MAX_32);
    const method = options.method === 'store' ? 0 : 8;
    const record: CentralRecord = { name: encodedName, method, zip64, crc32: 0, compressedSize: 0, size: 0, offset: this.#offset, modifiedAt: options.modifiedAt };
    await this.#write(localHeader(record));

    let crc32 = 0;
    let size = 0;
    let compressedSize = 0;
    async function* measured(): AsyncGenerator<Buffer> {
      for await (const piece of content) {
        const bytes = typeof piece === 'string' ? Buffer.from(piece, 'utf8') : Buffer.from(piece.buffer, piece.byteOffset, piece.byteLength);
        crc32 = updateCrc32(crc32, bytes);
        size += bytes.length;
        yield bytes;
      }
    }

    if (method === 0) {
      for await (const bytes of measured()) {
        compressedSize += bytes.length;
        await this.#write(bytes);
      }
    } else {
      await pipeline(Readable.from(measured()), zlib.createDeflateRaw(), async (compressed: AsyncIterable<Buffer>) => {
        for await (const bytes of compressed) {
          compressedSize += bytes.length;
          await this.#write(bytes);
        }
      });
    }

    if (options.size !== undefined && options.size !== size) {
      throw new ZipEntrySizeError(`ZIP entry data is ${size} bytes, but ${options.size} were declared`);
    }
    if (!zip64 && (size >= MAX_32 || compressedSize >= MAX_32)) {
      throw new ZipEntrySizeError(`ZIP entry reached ${size} bytes without a declared size; declare sizes of 4 GiB or more so the entry gets ZIP64 headers`);
    }

    Object.assign(record, { crc32, size, compressedSize });
    await this.#write(dataDescriptor(record));
    this.#entries.push(record);
    return { crc32, size };
  }

  /** Writes the central directory and the end records. No entry may follow. */
  async finish(): Promise<void> {
    if (this.#finished) return;
    this.#finished = true;

    const directoryOffset = this.#offset;
    for (const entry of this.#entries) await this.#write(centralHeader(entry, this.#forceZip64));
    const directorySize = this.#offset - directoryOffset;

    const count = this.#entries.length;
    const zip64 = this.#forceZip64 || count >= MAX_16 || directorySize >= MAX_32 || directoryOffset >= MAX_32;
    if (zip64) {
      const zip64EndOffset = this.#offset;
      await this.#write(zip64End(count, directorySize, directoryOffset));
      await this.#write(zip64Locator(zip64EndOffset));
    }
    await this.#write(end(count, directorySize, directoryOffset, zip64));
  }

  async #write(bytes: Uint8Array): Promise<void> {
    this.#offset += bytes.length;
    await this.#sink(bytes);
  }
}

function localHeader(entry: CentralRecord): Buffer {
  // Sizes and CRC are zero here because flag bit 3 moves them to the data
  // descriptor. With ZIP64 the 32-bit sizes are 0xffffffff and the extra
  // field contains zero 64-bit sizes.
  const extras = [timestampExtra(entry.modifiedAt)];
  if (entry.zip64) extras.push(zip64Extra([0, 0]));
  const extra = Buffer.concat(extras);

  const header = Buffer.alloc(30);
  header.writeUInt32LE(LOCAL_HEADER_SIGNATURE, 0);
  header.writeUInt16LE(entry.zip64 ? VERSION_ZIP64 : VERSION_DEFAULT, 4);
  header.writeUInt16LE(FLAGS, 6);
  header.writeUInt16LE(entry.method, 8);
  writeDosDateTime(header, 10, entry.modifiedAt);
  header.writeUInt32LE(0, 14);
  header.writeUInt32LE(entry.zip64 ? MAX_32 : 0, 18);
  header.writeUInt32LE(entry.zip64 ? MAX_32 : 0, 22);
  header.writeUInt16LE(entry.name.length, 26);
  header.writeUInt16LE(extra.length, 28);
  return Buffer.concat([header, entry.name, extra]);
}

// With ZIP64 in the local header, the descriptor's sizes are 8 bytes each (APPNOTE 4.3.9.2).
function dataDescriptor(entry: CentralRecord): Buffer {
  const descriptor = Buffer.alloc(entry.zip64 ? 24 : 16);
  descriptor.writeUInt32LE(DATA_DESCRIPTOR_SIGNATURE, 0);
  descriptor.writeUInt32LE(entry.crc32, 4);
  if (entry.zip64) {
    descriptor.writeBigUInt64LE(BigInt(entry.compressedSize), 8);
    descriptor.writeBigUInt64LE(BigInt(entry.size), 16);
  } else {
    descriptor.writeUInt32LE(entry.compressedSize, 8);
    descriptor.writeUInt32LE(entry.size, 12);
  }
  return descriptor;
}

function centralHeader(entry: CentralRecord, forceZip64: boolean): Buffer {
  // The ZIP64 extra field lists only the values whose 32-bit field is 0xffffffff, in this order.
  const sizesInZip64 = entry.zip64 || entry.size >= MAX_32 || entry.compressedSize >= MAX_32;
  const offsetInZip64 = forceZip64 || entry.offset >= MAX_32;
  const zip64Values: number[] = [];
  if (sizesInZip64) zip64Values.push(entry.size, entry.compressedSize);
  if (offsetInZip64) zip64Values.push(entry.offset);

  const extras = [timestampExtra(entry.modifiedAt)];
  if (zip64Values.length > 0) extras.push(zip64Extra(zip64Values));
  const extra = Buffer.concat(extras);

  const header = Buffer.alloc(46);
  header.writeUInt32LE(CENTRAL_HEADER_SIGNATURE, 0);
  header.writeUInt16LE(VERSION_MADE_BY, 4);
  header.writeUInt16LE(zip64Values.length > 0 ? VERSION_ZIP64 : VERSION_DEFAULT, 6);
  header.writeUInt16LE(FLAGS, 8);
  header.writeUInt16LE(entry.method, 10);
  writeDosDateTime(header, 12, entry.modifiedAt);
  header.writeUInt32LE(entry.crc32, 16);
  header.writeUInt32LE(sizesInZip64 ? MAX_32 : entry.compressedSize, 20);
  header.writeUInt32LE(sizesInZip64 ? MAX_32 : entry.size, 24);
  header.writeUInt16LE(entry.name.length, 28);
  header.writeUInt16LE(extra.length, 30);
  header.writeUInt16LE(0, 32); // comment length
  header.writeUInt16LE(0, 34); // disk number
  header.writeUInt16LE(0, 36); // internal attributes
  header.writeUInt32LE((REGULAR_FILE_MODE << 16) >>> 0, 38);
  header.writeUInt32LE(offsetInZip64 ? MAX_32 : entry.offset, 42);
  return Buffer.concat([header, entry.name, extra]);
}

function zip64End(count: number, directorySize: number, directoryOffset: number): Buffer {
  const record = Buffer.alloc(56);
  record.writeUInt32LE(ZIP64_END_SIGNATURE, 0);
  record.writeBigUInt64LE(44n, 4); // size of the rest of this record
  record.writeUInt16LE(VERSION_MADE_BY, 12);
  record.writeUInt16LE(VERSION_ZIP64, 14);
  record.writeUInt32LE(0, 16); // this disk
  record.writeUInt32LE(0, 20); // disk of the central directory
  record.writeBigUInt64LE(BigInt(count), 24);
  record.writeBigUInt64LE(BigInt(count), 32);
  record.writeBigUInt64LE(BigInt(directorySize), 40);
  record.writeBigUInt64LE(BigInt(directoryOffset), 48);
  return record;
}

function zip64Locator(zip64EndOffset: number): Buffer {
  const locator = Buffer.alloc(20);
  locator.writeUInt32LE(ZIP64_LOCATOR_SIGNATURE, 0);
  locator.writeUInt32LE(0, 4);
  locator.writeBigUInt64LE(BigInt(zip64EndOffset), 8);
  locator.writeUInt32LE(1, 16); // total number of disks
  return locator;
}

function end(count: number, directorySize: number, directoryOffset: number, zip64: boolean): Buffer {
  const record = Buffer.alloc(22);
  const entries = zip64 ? MAX_16 : count;
  record.writeUInt32LE(END_SIGNATURE, 0);
  record.writeUInt16LE(0, 4);
  record.writeUInt16LE(0, 6);
  record.writeUInt16LE(entries, 8);
  record.writeUInt16LE(entries, 10);
  record.writeUInt32LE(zip64 ? MAX_32 : directorySize, 12);
  record.writeUInt32LE(zip64 ? MAX_32 : directoryOffset, 16);
  record.writeUInt16LE(0, 20); // comment length
  return record;
}

function zip64Extra(values: readonly number[]): Buffer {
  const extra = Buffer.alloc(4 + 8 * values.length);
  extra.writeUInt16LE(ZIP64_EXTRA_TAG, 0);
  extra.writeUInt16LE(8 * values.length, 2);
  values.forEach((value, index) => extra.writeBigUInt64LE(BigInt(value), 4 + 8 * index));
  return extra;
}

// Extended timestamp (Info-ZIP "UT"): the modification time in UTC seconds,
// which readers prefer to the DOS time, whose time zone is unknown.
function timestampExtra(modifiedAt: Date): Buffer {
  const extra = Buffer.alloc(9);
  extra.writeUInt16LE(TIMESTAMP_EXTRA_TAG, 0);
  extra.writeUInt16LE(5, 2);
  extra.writeUInt8(1, 4); // flags: modification time present
  extra.writeUInt32LE(Math.max(0, Math.min(MAX_32, Math.floor(modifiedAt.getTime() / 1000))), 5);
  return extra;
}

// MS-DOS date and time, in UTC: 2-second precision, years 1980 to 2107.
function writeDosDateTime(buffer: Buffer, offset: number, date: Date): void {
  const year = Math.min(2107, Math.max(1980, date.getUTCFullYear()));
  const time = (date.getUTCHours() << 11) | (date.getUTCMinutes() << 5) | Math.floor(date.getUTCSeconds() / 2);
  const day = ((year - 1980) << 9) | ((date.getUTCMonth() + 1) << 5) | date.getUTCDate();
  buffer.writeUInt16LE(time, offset);
  buffer.writeUInt16LE(day, offset + 2);
}
