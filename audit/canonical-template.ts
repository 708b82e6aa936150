/**
 * Byte-level check that stored canonical bytes are exactly the canonical
 * JSON of the entry that a row's columns and its place in the chain
 * describe, without building any string.
 *
 * RFC 8785 sorts members by name, so an entry's canonical text is a fixed
 * sequence of members. The check walks the stored bytes member by member.
 * Names are matched as literals and text values as the column's bytes
 * between quotes. Numbers, the previous hash and the time are matched
 * against their expected values.
 *
 * Only printable ASCII values without quotes or backslashes are accepted,
 * which covers every value the writer allows. Anything else returns false,
 * and the caller then runs the detailed checks, which name the difference.
 */

/** Position of a column's value in a buffer: its start, and its length or -1 for NULL. */
export interface FieldRef {
  start: number
  length: number
}

/** The values that a canonical entry must hold besides the copied text columns. */
export interface ExpectedPosition {
  chain: number
  seq: number
  prevHash: Buffer
  /** Time of the row in milliseconds since the Unix epoch. */
  timeMs: number
}

/**
 * The copied text columns, by the member name they copy, in the order of
 * `COPIED_TEXT_COLUMNS`: actorType, actorId, subjectId, action,
 * resourceType, resourceId, outcome, reason, requestId, sourceAddress,
 * partnerId, grantId.
 */
export type CopiedFields = readonly FieldRef[]

const literal = (text: string): Buffer => Buffer.from(text, 'latin1')

const NULL = literal('null')
const QUOTE = 0x22
const BACKSLASH = 0x5c

// Members in canonical order, each with the index of the copied column that
// contains its value, or the kind of value computed from the chain.
const MEMBERS: readonly { name: Buffer; value: number | 'chain' | 'seq' | 'prevHash' | 'time' }[] = [
  { name: literal('{"action":'), value: 3 },
  { name: literal(',"actorId":'), value: 1 },
  { name: literal(',"actorType":'), value: 0 },
  { name: literal(',"chain":'), value: 'chain' },
  { name: literal(',"grantId":'), value: 11 },
  { name: literal(',"outcome":'), value: 6 },
  { name: literal(',"partnerId":'), value: 10 },
  { name: literal(',"prevHash":'), value: 'prevHash' },
  { name: literal(',"reason":'), value: 7 },
  { name: literal(',"requestId":'), value: 8 },
  { name: literal(',"resourceId":'), value: 5 },
  { name: literal(',"resourceType":'), value: 4 },
  { name: literal(',"seq":'), value: 'seq' },
  { name: literal(',"sourceAddress":'), value: 9 },
  { name: literal(',"subjectId":'), value: 2 },
  { name: literal(',"time":'), value: 'time' },
]
const END = literal(',"version":1}')

const HEX_DIGITS = literal('0123456789abcdef')

/**
 * Returns true when `buffer[start, start + length)` is the canonical JSON of
 * the entry with these copied fields (whose bytes are in the same buffer)
 * and this position.
 */
export function matchesCanonicalEntry(buffer: Buffer, start: number, length: number, copies: CopiedFields, expected: ExpectedPosition): boolean {
  const end = start + length
  let position = start
  for (const member of MEMBERS) {
    position = matchLiteral(buffer, position, end, member.name)
    if (position < 0) return false
    switch (member.value) {
      case 'chain':
        position = matchInteger(buffer, position, end, expected.chain)
        break
      case 'seq':
        position = matchInteger(buffer, position, end, expected.seq)
        break
      case 'prevHash':
        position = matchHex(buffer, position, end, expected.prevHash)
        break
      case 'time':
        position = matchTime(buffer, position, end, expected.timeMs)
        break
      default:
        position = matchText(buffer, position, end, copies[member.value]!)
    }
    if (position < 0) return false
  }
  return matchLiteral(buffer, position, end, END) === end
}

// Byte loops rather than Buffer.compare: these spans are a few dozen bytes,
// shorter than the cost of crossing into native code for each comparison.
function matchLiteral(buffer: Buffer, position: number, end: number, text: Buffer): number {
  const length = text.length
  if (position + length > end) return -1
  for (let index = 0; index < length; index++) {
    if (buffer[position + index] !== text[index]) return -1
  }
  return position + length
}

/** Matches a text column: `null`, or its bytes between quotes when they need no escaping. */
function matchText(buffer: Buffer, position: number, end: number, field: FieldRef): number {
  if (field.length < 0) return matchLiteral(buffer, position, end, NULL)

  const valueStart = position + 1
  const valueEnd = valueStart + field.length
  if (valueEnd + 1 > end || buffer[position] !== QUOTE || buffer[valueEnd] !== QUOTE) return -1
  const shift = valueStart - field.start
  for (let index = field.start; index < field.start + field.length; index++) {
    const byte = buffer[index]!
    if (byte < 0x20 || byte > 0x7e || byte === QUOTE || byte === BACKSLASH || buffer[index + shift] !== byte) return -1
  }
  return valueEnd + 1
}

/** Matches a non-negative integer written without leading zeros. */
function matchInteger(buffer: Buffer, position: number, end: number, value: number): number {
  let parsed = 0
  let index = position
  while (index < end && buffer[index]! >= 0x30 && buffer[index]! <= 0x39) {
    parsed = parsed * 10 + (buffer[index]! - 0x30)
    index++
  }
  const digits = index - position
  if (digits === 0 || digits > 16 || (digits > 1 && buffer[position] === 0x30)) return -1
  return parsed === value ? index : -1
}

/** Matches 64 lowercase hex digits between quotes. */
function matchHex(buffer: Buffer, position: number, end: number, hash: Buffer): number {
  if (position + 66 > end || buffer[position] !== QUOTE || buffer[position + 65] !== QUOTE) return -1
  for (let index = 0; index < 32; index++) {
    const byte = hash[index]!
    if (buffer[position + 1 + 2 * index] !== HEX_DIGITS[byte >> 4] || buffer[position + 2 + 2 * index] !== HEX_DIGITS[byte & 15]) return -1
  }
  return position + 66
}

/** Matches the expected time written as `Date.prototype.toISOString` does: "YYYY-MM-DDTHH:MM:SS.mmmZ". */
function matchTime(buffer: Buffer, position: number, end: number, timeMs: number): number {
  if (position + 26 > end || buffer[position] !== QUOTE || buffer[position + 25] !== QUOTE) return -1
  const at = position + 1
  const separators: [number, number][] = [[4, 0x2d], [7, 0x2d], [10, 0x54], [13, 0x3a], [16, 0x3a], [19, 0x2e], [23, 0x5a]]
  for (const [offset, byte] of separators) {
    if (buffer[at + offset] !== byte) return -1
  }
  const year = digits(buffer, at, 4)
  const month = digits(buffer, at + 5, 2)
  const day = digits(buffer, at + 8, 2)
  const hour = digits(buffer, at + 11, 2)
  const minute = digits(buffer, at + 14, 2)
  const second = digits(buffer, at + 17, 2)
  const millisecond = digits(buffer, at + 20, 3)
  if (year < 0 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month) || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59 || millisecond < 0) {
    return -1
  }
  return Date.UTC(year, month - 1, day, hour, minute, second, millisecond) === timeMs ? position + 26 : -1
}

/** Reads `count` decimal digits, or returns -1 when one is not a digit. */
function digits(buffer: Buffer, start: number, count: number): number {
  let value = 0
  for (let index = start; index < start + count; index++) {
    const byte = buffer[index]!
    if (byte < 0x30 || byte > 0x39) return -1
    value = value * 10 + (byte - 0x30)
  }
  return value
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31
}
