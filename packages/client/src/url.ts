import { invalidArgument, typeOf } from './errors.js'

/** A value that can fill a `{name}` placeholder of a path template. */
export type PathParam = string | number | bigint | boolean

/** A query value: arrays repeat the key, `undefined` is dropped, `null` sends `key=`. */
export type QueryValue = string | number | bigint | boolean | Date | null | undefined
/** Query parameters: an object (see {@link QueryValue}) or a `URLSearchParams`. */
export type Query = Record<string, QueryValue | readonly QueryValue[]> | URLSearchParams

/** A parsed template: literal parts interleaved with placeholder names. */
interface Template {
  /** literals[0] name[0] literals[1] name[1] ... literals[n] */
  literals: string[]
  names: string[]
}

const templates = new Map<string, Template>()
const maxCachedTemplates = 1000

/**
 * Expands `/users/{id}` with percent-encoded params. Each param stays inside its segment: `/`,
 * `?`, `#` and `%` are encoded, no param may be empty, and no segment of the assembled path may
 * be `.` or `..` (also spelled `%2e`, with a backslash counted as a separator as URL parsers do): servers
 * and URL parsers collapse those, even percent-encoded.
 */
export function expandPath(path: string, params: Record<string, PathParam> | undefined): string {
  if (typeof path !== 'string' || path.charCodeAt(0) !== 47 /* / */) {
    throw invalidArgument(
      `path must be a string starting with "/", got ${typeof path === 'string' ? JSON.stringify(path) : typeOf(path)}; it is appended to baseUrl.`,
    )
  }
  let template = templates.get(path)
  if (template === undefined) {
    template = parseTemplate(path)
    if (templates.size >= maxCachedTemplates) templates.clear()
    templates.set(path, template)
  }
  const { literals, names } = template
  if (names.length === 0 && params === undefined) return literals[0] as string
  if (params !== undefined && (typeof params !== 'object' || params === null)) {
    throw invalidArgument(`params must be an object of placeholder values, got ${typeOf(params)}.`)
  }
  let out = literals[0] as string
  let onlyDots: string[] | undefined
  for (let i = 0; i < names.length; i++) {
    const name = names[i] as string
    const encoded = encodeParam(path, name, params === undefined ? undefined : params[name])
    // Only a value made of dots can help assemble a dot segment (anything else is in it too).
    if (dots.test(encoded)) onlyDots = [...(onlyDots ?? []), name]
    out += encoded + literals[i + 1]
  }
  if (params !== undefined) {
    for (const key of Object.keys(params)) {
      if (!names.includes(key)) {
        throw invalidArgument(
          `params.${key} has no {${key}} placeholder in ${JSON.stringify(path)}; remove it or add the placeholder.`,
        )
      }
    }
  }
  if (onlyDots !== undefined && dotSegment(out) !== undefined) {
    throw invalidArgument(
      `${onlyDots.map((name) => `params.${name}`).join(' and ')} in ${JSON.stringify(path)} make the segment ${JSON.stringify(dotSegment(out))}, a dot segment that URL parsers and servers collapse (even percent-encoded), escaping its place in the path; reject such values before calling.`,
    )
  }
  return out
}

const dots = /^\.+$/

/** The first segment of `path` that is `.` or `..` once `%2e` is decoded, splitting on `/` and backslash. */
function dotSegment(path: string): string | undefined {
  for (const segment of path.split(/[/\\]/)) {
    if (segment.length > 6 || segment === '') continue
    const decoded = segment.replace(/%2e/gi, '.')
    if (decoded === '.' || decoded === '..') return segment
  }
  return undefined
}

function parseTemplate(path: string): Template {
  const literals: string[] = []
  const names: string[] = []
  const pattern = /\{([^{}]*)\}/g
  let last = 0
  for (let match = pattern.exec(path); match !== null; match = pattern.exec(path)) {
    const name = match[1] as string
    if (!/^[A-Za-z_$][\w$]*$/.test(name)) {
      throw invalidArgument(
        `path ${JSON.stringify(path)} has an invalid placeholder {${name}}; use an identifier such as {id}.`,
      )
    }
    literals.push(path.slice(last, match.index))
    names.push(name)
    last = match.index + match[0].length
  }
  literals.push(path.slice(last))
  for (let i = 0; i < literals.length; i++) literals[i] = checkLiteral(literals[i] as string, path)
  // Segments without a placeholder are fixed: check them once, here.
  const fixed = path.replace(/[^/\\]*\{[^/\\]*/g, 'x')
  if (dotSegment(fixed) !== undefined) {
    throw invalidArgument(
      `path ${JSON.stringify(path)} contains the dot segment ${JSON.stringify(dotSegment(fixed))} ("." or "..", also as %2e or between backslashes); write the resolved path.`,
    )
  }
  return { literals, names }
}

/**
 * Validates a literal part of a path and percent-encodes what the URL parser would (non-ASCII,
 * `"`, `<`, `>`, `` ` ``): requests go to undici as origin + path, with no URL parsing per call.
 */
function checkLiteral(literal: string, path: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting control characters is the point
  if (/[?#{}\s\0-\x1f\x7f]/.test(literal)) {
    throw invalidArgument(
      `path ${JSON.stringify(path)} contains "?", "#", "{", "}", whitespace or a control character outside a placeholder; pass query parameters with { query } and values with { params }.`,
    )
  }
  try {
    return literal.replace(/[^\x21-\x7e]|["<>`]/gu, (char) => encodeURIComponent(char))
  } catch (cause) {
    throw invalidArgument(
      `path ${JSON.stringify(path)} is not well-formed Unicode (a lone surrogate).`,
      cause,
    )
  }
}

function encodeParam(path: string, name: string, value: unknown): string {
  let text: string
  if (typeof value === 'string') text = value
  else if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') {
    if (typeof value === 'number' && !Number.isFinite(value)) text = ''
    else text = String(value)
  } else if (value === undefined) {
    throw invalidArgument(
      `path ${JSON.stringify(path)} needs params.${name}; pass { params: { ${name}: ... } }.`,
    )
  } else {
    throw invalidArgument(
      `params.${name} must be a string, number, bigint or boolean, got ${typeOf(value)}.`,
    )
  }
  if (text === '') {
    throw invalidArgument(
      `params.${name} is empty (or not a finite number); an empty path segment would address a different resource.`,
    )
  }
  try {
    return encodeURIComponent(text)
  } catch (cause) {
    throw invalidArgument(
      `params.${name} is not well-formed Unicode (a lone surrogate); fix the string before calling.`,
      cause,
    )
  }
}

/**
 * Serialises query parameters to `?a=1&b=x&b=y` (or `''`): arrays repeat the key, `undefined`
 * is dropped, `null` sends an empty value, a `Date` is sent as ISO 8601.
 */
export function serializeQuery(query: Query | undefined): string {
  if (query === undefined) return ''
  if (query instanceof URLSearchParams) {
    const text = query.toString()
    return text === '' ? '' : `?${text}`
  }
  if (typeof query !== 'object' || query === null || Array.isArray(query)) {
    throw invalidArgument(`query must be an object or URLSearchParams, got ${typeOf(query)}.`)
  }
  let out = ''
  for (const key of Object.keys(query)) {
    const value = query[key]
    if (Array.isArray(value)) {
      for (const item of value) out = appendPair(out, key, item)
    } else {
      out = appendPair(out, key, value)
    }
  }
  return out
}

function appendPair(out: string, key: string, value: unknown): string {
  if (value === undefined) return out
  let text: string
  if (value === null) text = ''
  else if (typeof value === 'string') text = value
  else if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean')
    text = String(value)
  else if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) {
      throw invalidArgument(`query.${key} is an invalid Date.`)
    }
    text = value.toISOString()
  } else {
    throw invalidArgument(
      `query.${key} must be a string, number, boolean, Date, null or an array of them, got ${typeOf(value)}; serialise objects yourself (e.g. JSON.stringify).`,
    )
  }
  try {
    return `${out}${out === '' ? '?' : '&'}${encodeURIComponent(key)}=${encodeURIComponent(text)}`
  } catch (cause) {
    throw invalidArgument(`query.${key} is not well-formed Unicode (a lone surrogate).`, cause)
  }
}

/**
 * The URL as it may appear in errors and logs: no userinfo, and the value of every query
 * param named in `secretParams` replaced by `[REDACTED]`.
 */
export function redactUrl(url: string, secretParams: ReadonlySet<string>): string {
  const at = url.indexOf('@')
  const queryAt = url.indexOf('?')
  if (at === -1 && (queryAt === -1 || secretParams.size === 0)) return url
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    return '[invalid URL]'
  }
  parsed.username = ''
  parsed.password = ''
  if (queryAt !== -1 && secretParams.size > 0) {
    // Rebuild by hand: URLSearchParams would re-encode every other param.
    const [head, rest] = [url.slice(0, queryAt), url.slice(queryAt + 1)]
    const hashAt = rest.indexOf('#')
    const search = hashAt === -1 ? rest : rest.slice(0, hashAt)
    const pairs = search.split('&').map((pair) => {
      const eq = pair.indexOf('=')
      const rawKey = eq === -1 ? pair : pair.slice(0, eq)
      let key = rawKey
      try {
        key = decodeURIComponent(rawKey.replace(/\+/g, ' '))
      } catch {}
      return secretParams.has(key) ? `${rawKey}=[REDACTED]` : pair
    })
    const base = new URL(head)
    base.username = ''
    base.password = ''
    return `${base.href}?${pairs.join('&')}`
  }
  return parsed.href
}
