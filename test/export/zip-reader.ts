import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import zlib from 'node:zlib';

import { tableCrc32 } from '../../server/export/crc32.js';

// A minimal ZIP reader written from PKWARE's APPNOTE, independent of the
// writer under test: it reads the central directory (ZIP64 included),
// checks each local header and data descriptor against it, inflates and
// checks each entry's CRC-32.

/** One entry read back from an archive. */
export interface ReadEntry {
  name: string;
  method: number;
  data: Buffer;
  /** True when the local header and the descriptor use ZIP64 sizes. */
  zip64: boolean;
}

const MAX_32 = 0xffffffff;

/** Reads every entry of an archive held in memory; throws naming the first structure that does not match. */
export function readZip(archive: Buffer): { entries: ReadEntry[]; zip64End: boolean } {
  const endOffset = archive.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (endOffset < 0) throw new Error('no end of central directory record');
  let count = archive.readUInt16LE(endOffset + 10);
  let directoryOffset = archive.readUInt32LE(endOffset + 16);
  let zip64End = false;
  if (count === 0xffff || directoryOffset === MAX_32) {
    const locator = endOffset - 20;
    if (archive.readUInt32LE(locator) !== 0x07064b50) throw new Error('no ZIP64 end of central directory locator');
    const zip64Offset = Number(archive.readBigUInt64LE(locator + 8));
    if (archive.readUInt32LE(zip64Offset) !== 0x06064b50) throw new Error('no ZIP64 end of central directory record');
    count = Number(archive.readBigUInt64LE(zip64Offset + 32));
    directoryOffset = Number(archive.readBigUInt64LE(zip64Offset + 48));
    zip64End = true;
  }

  const entries: ReadEntry[] = [];
  let cursor = directoryOffset;
  for (let index = 0; index < count; index++) {
    if (archive.readUInt32LE(cursor) !== 0x02014b50) throw new Error(`central header ${index} has a wrong signature`);
    const flags = archive.readUInt16LE(cursor + 8);
    const method = archive.readUInt16LE(cursor + 10);
    const crc32 = archive.readUInt32LE(cursor + 16);
    let compressedSize = archive.readUInt32LE(cursor + 20);
    let size = archive.readUInt32LE(cursor + 24);
    const nameLength = archive.readUInt16LE(cursor + 28);
    const extraLength = archive.readUInt16LE(cursor + 30);
    const commentLength = archive.readUInt16LE(cursor + 32);
    let localOffset = archive.readUInt32LE(cursor + 42);
    const name = archive.subarray(cursor + 46, cursor + 46 + nameLength).toString('utf8');
    const zip64Values = zip64Field(archive.subarray(cursor + 46 + nameLength, cursor + 46 + nameLength + extraLength));
    if (size === MAX_32) size = Number(zip64Values.shift());
    if (compressedSize === MAX_32) compressedSize = Number(zip64Values.shift());
    if (localOffset === MAX_32) localOffset = Number(zip64Values.shift());
    if ((flags & 0x0800) === 0) throw new Error(`${name}: UTF-8 flag missing`);
    cursor += 46 + nameLength + extraLength + commentLength;

    if (archive.readUInt32LE(localOffset) !== 0x04034b50) throw new Error(`${name}: local header has a wrong signature`);
    const localNameLength = archive.readUInt16LE(localOffset + 26);
    const localExtraLength = archive.readUInt16LE(localOffset + 28);
    const localName = archive.subarray(localOffset + 30, localOffset + 30 + localNameLength).toString('utf8');
    if (localName !== name) throw new Error(`${name}: local header names ${localName}`);
    const localZip64 = zip64Field(archive.subarray(localOffset + 30 + localNameLength, localOffset + 30 + localNameLength + localExtraLength), true).length > 0;
    const dataStart = localOffset + 30 + localNameLength + localExtraLength;
    const compressed = archive.subarray(dataStart, dataStart + compressedSize);

    const descriptor = dataStart + compressedSize;
    if (archive.readUInt32LE(descriptor) !== 0x08074b50) throw new Error(`${name}: data descriptor missing`);
    const descriptorSizes = localZip64
      ? [Number(archive.readBigUInt64LE(descriptor + 8)), Number(archive.readBigUInt64LE(descriptor + 16))]
      : [archive.readUInt32LE(descriptor + 8), archive.readUInt32LE(descriptor + 12)];
    if (archive.readUInt32LE(descriptor + 4) !== crc32 || descriptorSizes[0] !== compressedSize || descriptorSizes[1] !== size) {
      throw new Error(`${name}: data descriptor does not match the central directory`);
    }

    if (method !== 0 && method !== 8) throw new Error(`${name}: unknown method ${method}`);
    const data = method === 0 ? Buffer.from(compressed) : zlib.inflateRawSync(compressed);
    if (data.length !== size) throw new Error(`${name}: ${data.length} bytes, central directory says ${size}`);
    if (tableCrc32(0, data) !== crc32) throw new Error(`${name}: CRC-32 mismatch`);
    entries.push({ name, method, data, zip64: localZip64 });
  }
  return { entries, zip64End };
}

// The values of a ZIP64 extra field (tag 0x0001), in order; empty when there is none.
function zip64Field(extra: Buffer, presenceOnly = false): bigint[] {
  for (let offset = 0; offset + 4 <= extra.length;) {
    const tag = extra.readUInt16LE(offset);
    const length = extra.readUInt16LE(offset + 2);
    if (tag === 0x0001) {
      const values: bigint[] = [];
      for (let position = offset + 4; position < offset + 4 + length; position += 8) values.push(extra.readBigUInt64LE(position));
      return presenceOnly && values.length === 0 ? [0n] : values;
    }
    offset += 4 + length;
  }
  return [];
}

const run = promisify(execFile);

/** Runs Info-ZIP's `unzip -t` on the archive when unzip is installed; returns null without it. */
export async function unzipTest(archive: Buffer): Promise<{ ok: boolean; output: string } | null> {
  if (!['/usr/bin/unzip', '/bin/unzip', '/usr/local/bin/unzip'].some((candidate) => existsSync(candidate))) return null;
  const folder = mkdtempSync(path.join(os.tmpdir(), 'coffre-zip-test-'));
  try {
    const file = path.join(folder, 'archive.zip');
    writeFileSync(file, archive);
    try {
      const { stdout } = await run('unzip', ['-t', file]);
      return { ok: true, output: stdout };
    } catch (error) {
      const failed = error as { stdout?: string; stderr?: string };
      return { ok: false, output: `${failed.stdout ?? ''}${failed.stderr ?? ''}` };
    }
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}
