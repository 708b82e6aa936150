/**
 * RFC 8785 JSON Canonicalization Scheme (JCS), written here so that the bytes
 * the audit chain hashes depend on no third-party serializer.
 */

/** Matches a lone UTF-16 surrogate, which RFC 8785 (through I-JSON) forbids. */
const LONE_SURROGATE = /\p{Surrogate}/u

/**
 * Serializes a JSON value in RFC 8785 canonical form.
 *
 * Object keys are sorted by their UTF-16 code units, numbers use the
 * ECMAScript number-to-string conversion (which is the form RFC 8785 fixes),
 * strings get the minimal escaping of `JSON.stringify`, and no whitespace is
 * added. Two calls on equal data therefore return identical strings.
 *
 * Throws a `TypeError` naming the JSON path of the first value that has no
 * canonical form. Such values are `undefined`, functions, symbols, bigints,
 * NaN, infinities, strings with a lone surrogate, sparse arrays, symbol keys,
 * cycles, and objects that are not plain objects (such as `Date` or
 * `Buffer`). `JSON.stringify` would silently drop or convert most of them.
 */
export function canonicalize(value: unknown): string {
  return new Serializer().serializeValue(value)
}

/**
 * State of one serialization. The path to the current value is a stack of
 * keys and indexes, formatted only for an error message, so that valid input
 * builds no path strings.
 */
class Serializer {
  readonly #path: (string | number)[] = []
  readonly #ancestors: object[] = []

  serializeValue(value: unknown): string {
    if (value === null) {
      return 'null'
    }

    switch (typeof value) {
      case 'boolean':
        return value ? 'true' : 'false'
      case 'number':
        return this.#serializeNumber(value)
      case 'string':
        return this.#serializeString(value)
      case 'object':
        return this.#serializeContainer(value)
      default:
        throw new TypeError(
          `cannot canonicalize ${typeof value} at ${this.#formatPath()}: only null, booleans, finite numbers, strings, arrays and plain objects are allowed`,
        )
    }
  }

  #serializeNumber(value: number): string {
    if (!Number.isFinite(value)) {
      throw new TypeError(`cannot canonicalize number ${value} at ${this.#formatPath()}: JSON has no NaN or Infinity`)
    }

    // ECMAScript Number::toString is exactly the serialization that RFC 8785
    // section 3.2.2.3 requires, and it writes -0 as "0" as that section asks.
    return String(value)
  }

  #serializeString(value: string): string {
    if (LONE_SURROGATE.test(value)) {
      throw new TypeError(`cannot canonicalize string at ${this.#formatPath()}: it contains a lone UTF-16 surrogate`)
    }

    return JSON.stringify(value)
  }

  #serializeContainer(value: object): string {
    if (this.#ancestors.includes(value)) {
      throw new TypeError(`cannot canonicalize cyclic structure at ${this.#formatPath()}`)
    }

    this.#ancestors.push(value)
    const serialized = Array.isArray(value) ? this.#serializeArray(value) : this.#serializeObject(value)
    this.#ancestors.pop()
    return serialized
  }

  #serializeArray(value: unknown[]): string {
    const parts: string[] = []
    for (let index = 0; index < value.length; index++) {
      this.#path.push(index)
      if (!(index in value)) {
        throw new TypeError(`cannot canonicalize sparse array: no element at ${this.#formatPath()}`)
      }
      parts.push(this.serializeValue(value[index]))
      this.#path.pop()
    }
    return `[${parts.join(',')}]`
  }

  #serializeObject(value: object): string {
    const prototype: unknown = Object.getPrototypeOf(value)
    if (prototype !== Object.prototype && prototype !== null) {
      const typeName = value.constructor?.name ?? 'unknown'
      throw new TypeError(`cannot canonicalize ${typeName} instance at ${this.#formatPath()}: only plain objects are allowed`)
    }
    if (Object.getOwnPropertySymbols(value).length > 0) {
      throw new TypeError(`cannot canonicalize object at ${this.#formatPath()}: it has symbol keys`)
    }

    const record = value as Record<string, unknown>

    // Array.prototype.sort without a comparator compares UTF-16 code units,
    // which is the key order RFC 8785 section 3.2.3 requires.
    const keys = Object.keys(record).sort()

    const members: string[] = []
    for (const key of keys) {
      this.#path.push(key)
      members.push(`${this.#serializeString(key)}:${this.serializeValue(record[key])}`)
      this.#path.pop()
    }
    return `{${members.join(',')}}`
  }

  #formatPath(): string {
    return `$${this.#path.map((segment) => `[${JSON.stringify(segment)}]`).join('')}`
  }
}
