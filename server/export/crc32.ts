import zlib from 'node:zlib';

// CRC-32 (ISO 3309, the polynomial ZIP uses). zlib.crc32 exists from Node
// 20.15 and 22.2; the package accepts Node 20.11, so older runtimes get the
// table-driven version below, which gives the same values, only slower.
const nativeCrc32 = (zlib as { crc32?: (data: Uint8Array, value?: number) => number }).crc32;

let table: Uint32Array | undefined;

/** Continues a CRC-32 over `data`, starting from `crc` (0 for a new value). */
export function updateCrc32(crc: number, data: Uint8Array): number {
  if (nativeCrc32 !== undefined) return nativeCrc32(data, crc);
  return tableCrc32(crc, data);
}

/** Computes the CRC-32 with a lookup table; exported so that a test compares it with zlib's. */
export function tableCrc32(crc: number, data: Uint8Array): number {
  table ??= buildTable();
  let value = ~crc >>> 0;
  for (let index = 0; index < data.length; index++) {
    value = table[(value ^ data[index]!) & 0xff]! ^ (value >>> 8);
  }
  return ~value >>> 0;
}

function buildTable(): Uint32Array {
  const entries = new Uint32Array(256);
  for (let byte = 0; byte < 256; byte++) {
    let value = byte;
    for (let bit = 0; bit < 8; bit++) value = value & 1 ? 0xedb88320 ^ (value >>> 1) : value >>> 1;
    entries[byte] = value >>> 0;
  }
  return entries;
}
