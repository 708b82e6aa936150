import { randomBytes } from 'node:crypto';
import zlib from 'node:zlib';

import { describe, expect, it } from 'vitest';

import { tableCrc32, updateCrc32 } from '../../server/export/crc32.js';
import { ZipEntrySizeError, ZipWriter } from '../../server/export/zip-writer.js';
import { readZip, unzipTest } from './zip-reader.js';

const MODIFIED_AT = new Date('2026-12-04T09:30:00.000Z');

async function* pieces(...parts: Array<Uint8Array | string>): AsyncGenerator<Uint8Array | string> {
  yield* parts;
}

/** Builds an archive in memory with the given writer options and calls. */
async function build(options: { forceZip64?: boolean }, fill: (zip: ZipWriter) => Promise<void>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  const zip = new ZipWriter(async (chunk) => {
    chunks.push(Buffer.from(chunk));
  }, options);
  await fill(zip);
  await zip.finish();
  const archive = Buffer.concat(chunks);
  expect(zip.bytesWritten).toBe(archive.length);
  return archive;
}

describe('ZipWriter', () => {
  const binary = randomBytes(200_000);
  const text = 'Décision de la CDAPH\r\n'.repeat(5000);

  for (const forceZip64 of [false, true]) {
    it(`writes stored and deflated entries${forceZip64 ? ' with ZIP64' : ''}`, async () => {
      const archive = await build({ forceZip64 }, async (zip) => {
        await zip.addEntry('LISEZ-MOI.txt', pieces(text.slice(0, 10), text.slice(10)), { method: 'deflate', modifiedAt: MODIFIED_AT });
        await zip.addEntry('documents/certificat (2).pdf', pieces(binary.subarray(0, 70_000), binary.subarray(70_000)), { method: 'store', size: binary.length, modifiedAt: MODIFIED_AT });
        await zip.addEntry('vide.txt', pieces(), { method: 'deflate', modifiedAt: MODIFIED_AT });
      });

      const { entries, zip64End } = readZip(archive);
      expect(entries.map((entry) => entry.name)).toEqual(['LISEZ-MOI.txt', 'documents/certificat (2).pdf', 'vide.txt']);
      expect(entries[0]!.data.toString('utf8')).toBe(text);
      expect(entries[0]!.method).toBe(8);
      expect(entries[1]!.data.equals(binary)).toBe(true);
      expect(entries[1]!.method).toBe(0);
      expect(entries[2]!.data.length).toBe(0);
      expect(entries.every((entry) => entry.zip64 === forceZip64)).toBe(true);
      expect(zip64End).toBe(forceZip64);

      const unzip = await unzipTest(archive);
      if (unzip !== null) expect(unzip.output).toContain('No errors detected');
    });
  }

  it('writes an empty archive', async () => {
    const archive = await build({}, async () => undefined);

    expect(archive.length).toBe(22);
    expect(readZip(archive).entries).toEqual([]);
  });

  it('rejects data shorter than declared', async () => {
    const zip = new ZipWriter(async () => undefined);
    await expect(zip.addEntry('a.pdf', pieces(Buffer.alloc(10)), { method: 'store', size: 11, modifiedAt: MODIFIED_AT })).rejects.toThrow(ZipEntrySizeError);
  });

  it('rejects entries after finish', async () => {
    const zip = new ZipWriter(async () => undefined);
    await zip.finish();
    await expect(zip.addEntry('a.txt', pieces('a'), { method: 'deflate', modifiedAt: MODIFIED_AT })).rejects.toThrow(/already finished/);
  });

  it('stops when the sink fails', async () => {
    let calls = 0;
    const zip = new ZipWriter(async () => {
      calls += 1;
      if (calls === 2) throw new Error('client gone');
    });
    await expect(zip.addEntry('a.pdf', pieces(Buffer.alloc(10), Buffer.alloc(10)), { method: 'store', size: 20, modifiedAt: MODIFIED_AT })).rejects.toThrow('client gone');
    expect(calls).toBe(2);
  });
});

describe('CRC-32', () => {
  it('table version equals known values', () => {
    // Check value of the CRC-32 used by ZIP (ISO 3309) for "123456789".
    expect(tableCrc32(0, Buffer.from('123456789'))).toBe(0xcbf43926);
    expect(tableCrc32(0, Buffer.alloc(0))).toBe(0);
  });

  it('continues across pieces like one call', () => {
    const data = randomBytes(100_000);
    const whole = tableCrc32(0, data);

    expect(tableCrc32(tableCrc32(0, data.subarray(0, 333)), data.subarray(333))).toBe(whole);
    expect(updateCrc32(updateCrc32(0, data.subarray(0, 4096)), data.subarray(4096))).toBe(whole);
  });

  it('table version equals zlib where it exists', () => {
    const native = (zlib as { crc32?: (data: Uint8Array) => number }).crc32;
    if (native === undefined) return;
    const data = randomBytes(10_000);
    expect(tableCrc32(0, data)).toBe(native(data));
  });
});
