import { ClientError } from './errors.js'

/** Header values a caller may pass; `undefined` removes a default header. */
export type HeaderInput = Record<string, string | number | readonly string[] | undefined>

const token = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/
// RFC 9110 field-value: no control characters but HTAB (undici applies the same set).
const forbiddenValue = /[^\t\x20-\x7e\x80-\xff]/
const sensitiveName = /authorization|cookie|token|secret|api[-_]?key|password|session/i

/**
 * Validates caller headers and merges them (lower-cased) into `into`. Throws before anything is
 * sent: a CR, LF or NUL would let a value inject a header or split a request.
 */
export function mergeHeaders(
  into: Record<string, string | string[]>,
  headers: HeaderInput,
  where: string,
): Record<string, string | string[]> {
  if (typeof headers !== 'object' || headers === null || Array.isArray(headers)) {
    throw new ClientError(
      'FOO_ERR_INVALID_ARGUMENT',
      `${where} must be an object of header names to string values, got ${describe(headers)}.`,
    )
  }
  for (const name of Object.keys(headers)) {
    const value = headers[name]
    if (!token.test(name)) {
      throw new ClientError(
        'FOO_ERR_INVALID_ARGUMENT',
        `${where}: header name ${JSON.stringify(name)} is not a valid HTTP token; use letters, digits and !#$%&'*+-.^_\`|~ only.`,
      )
    }
    const key = name.toLowerCase()
    if (key === '__proto__') {
      // Assigning it would set the record's prototype: the header would vanish unsent.
      throw new ClientError(
        'FOO_ERR_INVALID_ARGUMENT',
        `${where}: header name "__proto__" cannot be sent; rename the header.`,
      )
    }
    if (value === undefined) {
      delete into[key]
      continue
    }
    if (Array.isArray(value)) {
      for (const item of value) checkValue(name, item, where)
      into[key] = [...value] as string[]
    } else if (typeof value === 'string' || typeof value === 'number') {
      const text = String(value)
      checkValue(name, text, where)
      into[key] = text
    } else {
      throw new ClientError(
        'FOO_ERR_INVALID_ARGUMENT',
        `${where}: header ${JSON.stringify(name)} must be a string, got ${describe(value)}.`,
      )
    }
  }
  return into
}

function checkValue(name: string, value: unknown, where: string): void {
  if (typeof value !== 'string') {
    throw new ClientError(
      'FOO_ERR_INVALID_ARGUMENT',
      `${where}: header ${JSON.stringify(name)} must be a string, got ${describe(value)}.`,
    )
  }
  if (forbiddenValue.test(value)) {
    throw new ClientError(
      'FOO_ERR_INVALID_ARGUMENT',
      `${where}: header ${JSON.stringify(name)} contains a control character (CR, LF, NUL...) or a character above U+00FF, which could inject headers; remove it (nothing was sent).`,
    )
  }
}

/** A copy of `headers` safe to print: credentials and cookies become `[REDACTED]`. */
export function redactHeaders(
  headers: Record<string, string | string[] | undefined>,
): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {}
  for (const name of Object.keys(headers)) {
    const value = headers[name]
    if (value === undefined) continue
    out[name] = sensitiveName.test(name) ? '[REDACTED]' : value
  }
  return out
}

/** Short description of a value's type for error messages. */
export function describe(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'an array'
  return typeof value
}
