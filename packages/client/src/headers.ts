import { invalidArgument, typeOf } from './errors.js'

/** One header value; `undefined` removes a default header. */
export type HeaderValue = string | number | readonly string[] | undefined

/**
 * Header values a caller may pass: a value, or a function (sync or async) called before each
 * attempt of each request, e.g. `{ authorization: async () => `Bearer ${await token()}` }`.
 */
export type HeaderInput = Record<string, HeaderValue | (() => HeaderValue | Promise<HeaderValue>)>

/** Header functions by lower-cased name, called before each attempt. */
export type DynamicHeaders = Record<string, () => HeaderValue | Promise<HeaderValue>>

/** Lower-cased header names to values, as the transports send them. */
export type Headers = Record<string, string | string[]>

const token = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/
// RFC 9110 field-value: no control characters but HTAB (undici applies the same set).
const forbiddenValue = /[^\t\x20-\x7e\x80-\xff]/
const sensitiveName = /authorization|cookie|token|secret|api[-_]?key|password|session/i

/** Headers the client (undici) writes itself, and why a caller may not set them. */
const managed: Record<string, string> = {
  'content-length': 'it is computed from the body you pass',
  'transfer-encoding': 'it is chosen from the body you pass (a stream is sent chunked)',
  expect: '100-continue is not supported; send the body directly',
  host: 'it is taken from baseUrl (and from the Location of a redirect)',
  connection: 'connections are kept alive and closed by the client',
  'keep-alive': 'connections are kept alive and closed by the client',
  'proxy-connection': 'connections are kept alive and closed by the client',
  upgrade: 'protocol upgrades are not supported by a REST client',
}

/** True for a header whose value is a credential: redacted in output, dropped across origins. */
export function isSensitiveHeader(name: string): boolean {
  return sensitiveName.test(name)
}

/**
 * Validates caller headers and merges them (lower-cased) into `into`. Throws before anything is
 * sent: a CR, LF or NUL would let a value inject a header or split a request.
 */
export function mergeHeaders(
  into: Headers,
  headers: HeaderInput,
  where: string,
  dynamic?: DynamicHeaders,
): Headers {
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
    const why = managed[key]
    if (why !== undefined) {
      throw invalidArgument(
        `${where}: the ${key} header is managed by the client (${why}); remove it (nothing was sent).`,
      )
    }
    if (dynamic !== undefined) delete dynamic[key]
    if (value === undefined) {
      delete into[key]
      continue
    }
    if (typeof value === 'function') {
      if (dynamic === undefined) {
        throw invalidArgument(
          `${where}: header ${JSON.stringify(name)} must be a string, got a function (a function is called only in client or per-call headers).`,
        )
      }
      delete into[key]
      dynamic[key] = value as () => HeaderValue
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

/**
 * Calls the header functions of a request and merges their values into a copy of `headers`
 * (validated like any header). A function that throws is the caller's error, typed by `where`.
 */
export async function resolveDynamicHeaders(
  headers: Headers,
  dynamic: DynamicHeaders,
  where: string,
): Promise<Headers> {
  const values: Record<string, HeaderValue> = {}
  for (const name of Object.keys(dynamic)) {
    values[name] = await (dynamic[name] as () => HeaderValue | Promise<HeaderValue>)()
  }
  return mergeHeaders({ ...headers }, values, where)
}
