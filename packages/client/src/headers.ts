import { invalidArgument, typeOf } from './errors.js'

/** Header values a caller may pass; `undefined` removes a default header. */
export type HeaderInput = Record<string, string | number | readonly string[] | undefined>

/** Lower-cased header names to values, as the transports send them. */
export type Headers = Record<string, string | string[]>

const token = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/
// RFC 9110 field-value: no control characters but HTAB (undici applies the same set).
const forbiddenValue = /[^\t\x20-\x7e\x80-\xff]/
const sensitiveName = /authorization|cookie|token|secret|api[-_]?key|password|session/i

/** True for a header whose value is a credential: redacted in output, dropped across origins. */
export function isSensitiveHeader(name: string): boolean {
  return sensitiveName.test(name)
}

/**
 * Validates caller headers and merges them (lower-cased) into `into`. Throws before anything is
 * sent: a CR, LF or NUL would let a value inject a header or split a request.
 */
export function mergeHeaders(into: Headers, headers: HeaderInput, where: string): Headers {
  if (typeof headers !== 'object' || headers === null || Array.isArray(headers)) {
    throw invalidArgument(
      `${where} must be an object of header names to string values, got ${typeOf(headers)}.`,
    )
  }
  for (const name of Object.keys(headers)) {
    const value = headers[name]
    if (!token.test(name)) {
      throw invalidArgument(
        `${where}: header name ${JSON.stringify(name)} is not a valid HTTP token; use letters, digits and !#$%&'*+-.^_\`|~ only.`,
      )
    }
    const key = name.toLowerCase()
    if (key === '__proto__') {
      // Assigning it would set the record's prototype: the header would vanish unsent.
      throw invalidArgument(`${where}: header name "__proto__" cannot be sent; rename the header.`)
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
      throw invalidArgument(
        `${where}: header ${JSON.stringify(name)} must be a string, got ${typeOf(value)}.`,
      )
    }
  }
  return into
}

function checkValue(name: string, value: unknown, where: string): void {
  if (typeof value !== 'string') {
    throw invalidArgument(
      `${where}: header ${JSON.stringify(name)} must be a string, got ${typeOf(value)}.`,
    )
  }
  if (forbiddenValue.test(value)) {
    throw invalidArgument(
      `${where}: header ${JSON.stringify(name)} contains a control character (CR, LF, NUL...) or a character above U+00FF, which could inject headers; remove it (nothing was sent).`,
    )
  }
}

/** A copy of `headers` safe to print: credentials and cookies become `[REDACTED]`. */
export function redactHeaders(headers: Record<string, string | string[] | undefined>): Headers {
  const out: Headers = {}
  for (const name of Object.keys(headers)) {
    const value = headers[name]
    if (value === undefined) continue
    out[name] = isSensitiveHeader(name) ? '[REDACTED]' : value
  }
  return out
}
