import { readdirSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

import { describe, expect, test } from 'vitest'

import { canonicalize } from '../../audit/canonical-json.js'

const VECTORS = fileURLToPath(new URL('../fixtures/jcs/', import.meta.url))
const vectorNames = readdirSync(`${VECTORS}input`)
  .filter((file) => file.endsWith('.json'))
  .map((file) => file.slice(0, -'.json'.length))
  .sort()

describe('canonicalize against the RFC 8785 vectors', () => {
  test('vector folder has every known vector', () => {
    expect(vectorNames).toEqual(['arrays', 'french', 'structures', 'unicode', 'values', 'weird'])
  })

  test.each(vectorNames)('vector %s matches byte for byte', (name) => {
    const input: unknown = JSON.parse(readFileSync(`${VECTORS}input/${name}.json`, 'utf8'))
    const expected = readFileSync(`${VECTORS}output/${name}.json`)

    const actual = Buffer.from(canonicalize(input), 'utf8')

    expect(actual.toString('hex')).toBe(expected.toString('hex'))
  })

  test.each(vectorNames)('vector %s output agrees with its hex form', (name) => {
    const output = readFileSync(`${VECTORS}output/${name}.json`)
    const hex = readFileSync(`${VECTORS}outhex/${name}.txt`, 'utf8').replace(/\s+/g, '')

    expect(output.toString('hex')).toBe(hex.toLowerCase())
  })
})

describe('canonicalize', () => {
  test('sorts keys by UTF-16 code units', () => {
    // U+1F602 is the surrogate pair D83D DE02 and sorts before U+FB33 in UTF-16,
    // although its code point is larger.
    expect(canonicalize({ '\ufb33': 1, '\u{1f602}': 2, a: 3, B: 4 })).toBe('{"B":4,"a":3,"\u{1f602}":2,"\ufb33":1}')
  })

  test('writes numbers as ECMAScript does', () => {
    expect(canonicalize([-0, 1e21, 1e-7, 0.1 + 0.2, -5e-324, 100])).toBe(
      '[0,1e+21,1e-7,0.30000000000000004,-5e-324,100]',
    )
  })

  test('keeps null members', () => {
    expect(canonicalize({ b: null, a: [null] })).toBe('{"a":[null],"b":null}')
  })

  test.each([
    ['NaN', Number.NaN],
    ['Infinity', Number.POSITIVE_INFINITY],
    ['-Infinity', Number.NEGATIVE_INFINITY],
  ])('rejects %s', (_label, value) => {
    expect(() => canonicalize({ n: value })).toThrow(/cannot canonicalize number .* at \$\["n"\]/)
  })

  test.each([
    ['undefined', undefined],
    ['function', () => 1],
    ['bigint', 1n],
    ['symbol', Symbol('s')],
  ])('rejects %s member', (label, value) => {
    expect(() => canonicalize({ a: { b: value } })).toThrow(`cannot canonicalize ${label} at $["a"]["b"]`)
  })

  test('rejects undefined at top level', () => {
    expect(() => canonicalize(undefined)).toThrow('cannot canonicalize undefined at $')
  })

  test('rejects undefined array element', () => {
    expect(() => canonicalize([1, undefined])).toThrow('cannot canonicalize undefined at $[1]')
  })

  test('rejects sparse array', () => {
    // eslint-disable-next-line no-sparse-arrays
    expect(() => canonicalize([1, , 3])).toThrow('no element at $[1]')
  })

  test('rejects lone surrogate', () => {
    expect(() => canonicalize({ a: '\ud800x' })).toThrow('lone UTF-16 surrogate')
    expect(() => canonicalize({ ['\udc00']: 1 })).toThrow('lone UTF-16 surrogate')
  })

  test('rejects objects that are not plain', () => {
    expect(() => canonicalize({ at: new Date(0) })).toThrow('cannot canonicalize Date instance at $["at"]')
    expect(() => canonicalize(Buffer.from('x'))).toThrow('cannot canonicalize Buffer instance at $')
  })

  test('accepts null-prototype objects', () => {
    const record = Object.create(null) as Record<string, unknown>
    record.b = 1
    record.a = 2

    expect(canonicalize(record)).toBe('{"a":2,"b":1}')
  })

  test('rejects symbol keys', () => {
    expect(() => canonicalize({ [Symbol('k')]: 1 })).toThrow('symbol keys')
  })

  test('rejects cycles', () => {
    const cyclic: Record<string, unknown> = {}
    cyclic.self = cyclic

    expect(() => canonicalize(cyclic)).toThrow('cyclic structure at $["self"]')
  })

  test('accepts repeated non-cyclic references', () => {
    const shared = { x: 1 }

    expect(canonicalize({ a: shared, b: shared })).toBe('{"a":{"x":1},"b":{"x":1}}')
  })
})
