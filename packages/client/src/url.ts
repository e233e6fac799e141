import { ClientError } from './errors.js'
import { describe } from './headers.js'

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
  /** For each placeholder: does it fill a whole path segment (`/{id}/`)? */
  whole: boolean[]
}

const templates = new Map<string, Template>()
const maxCachedTemplates = 1000

/**
 * Expands `/users/{id}` with percent-encoded params. Each param stays inside its segment: `/`,
 * `?`, `#` and `%` are encoded, and a param that is a whole segment may not be `.` or `..`
 * (the URL parser would collapse even `%2e%2e`), nor empty.
 */
export function expandPath(path: string, params: Record<string, PathParam> | undefined): string {
  if (typeof path !== 'string' || path.charCodeAt(0) !== 47 /* / */) {
    throw new ClientError(
      'FOO_ERR_INVALID_ARGUMENT',
      `path must be a string starting with "/", got ${typeof path === 'string' ? JSON.stringify(path) : describe(path)}; it is appended to baseUrl.`,
    )
  }
  let template = templates.get(path)
  if (template === undefined) {
    template = parseTemplate(path)
    if (templates.size >= maxCachedTemplates) templates.clear()
    templates.set(path, template)
  }
  const { literals, names, whole } = template
  if (names.length === 0 && params === undefined) return literals[0] as string
  if (params !== undefined && (typeof params !== 'object' || params === null)) {
    throw new ClientError(
      'FOO_ERR_INVALID_ARGUMENT',
      `params must be an object of placeholder values, got ${describe(params)}.`,
    )
  }
  let out = literals[0] as string
  for (let i = 0; i < names.length; i++) {
    const name = names[i] as string
    const value = params === undefined ? undefined : params[name]
    out += encodeParam(path, name, value, whole[i] as boolean) + literals[i + 1]
  }
  if (params !== undefined) {
    for (const key of Object.keys(params)) {
      if (!names.includes(key)) {
        throw new ClientError(
          'FOO_ERR_INVALID_ARGUMENT',
          `params.${key} has no {${key}} placeholder in ${JSON.stringify(path)}; remove it or add the placeholder.`,
        )
      }
    }
  }
  return out
}

function parseTemplate(path: string): Template {
  const literals: string[] = []
  const names: string[] = []
  const whole: boolean[] = []
  const pattern = /\{([^{}]*)\}/g
  let last = 0
  for (let match = pattern.exec(path); match !== null; match = pattern.exec(path)) {
    const name = match[1] as string
    if (!/^[A-Za-z_$][\w$]*$/.test(name)) {
      throw new ClientError(
        'FOO_ERR_INVALID_ARGUMENT',
        `path ${JSON.stringify(path)} has an invalid placeholder {${name}}; use an identifier such as {id}.`,
      )
    }
    const before = path.slice(last, match.index)
    literals.push(before)
    names.push(name)
    const end = match.index + match[0].length
    whole.push(path[match.index - 1] === '/' && (end === path.length || path[end] === '/'))
    last = end
  }
  literals.push(path.slice(last))
  for (let i = 0; i < literals.length; i++) literals[i] = checkLiteral(literals[i] as string, path)
  return { literals, names, whole }
}

/**
 * Validates a literal part of a path and percent-encodes what the URL parser would (non-ASCII,
 * `"`, `<`, `>`, `` ` ``): requests go to undici as origin + path, with no URL parsing per call.
 */
function checkLiteral(literal: string, path: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting control characters is the point
  if (/[?#{}\s\0-\x1f\x7f]/.test(literal)) {
    throw new ClientError(
      'FOO_ERR_INVALID_ARGUMENT',
      `path ${JSON.stringify(path)} contains "?", "#", "{", "}", whitespace or a control character outside a placeholder; pass query parameters with { query } and values with { params }.`,
    )
  }
  if (/(^|\/)\.{1,2}(\/|$)/.test(literal)) {
    throw new ClientError(
      'FOO_ERR_INVALID_ARGUMENT',
      `path ${JSON.stringify(path)} contains a "." or ".." segment; write the resolved path.`,
    )
  }
  try {
    return literal.replace(/[^\x21-\x7e]|["<>`]/gu, (char) => encodeURIComponent(char))
  } catch (cause) {
    throw new ClientError(
      'FOO_ERR_INVALID_ARGUMENT',
      `path ${JSON.stringify(path)} is not well-formed Unicode (a lone surrogate).`,
      { cause },
    )
  }
}

function encodeParam(path: string, name: string, value: unknown, whole: boolean): string {
  let text: string
  if (typeof value === 'string') text = value
  else if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') {
    if (typeof value === 'number' && !Number.isFinite(value)) text = ''
    else text = String(value)
  } else if (value === undefined) {
    throw new ClientError(
      'FOO_ERR_INVALID_ARGUMENT',
      `path ${JSON.stringify(path)} needs params.${name}; pass { params: { ${name}: ... } }.`,
    )
  } else {
    throw new ClientError(
      'FOO_ERR_INVALID_ARGUMENT',
      `params.${name} must be a string, number, bigint or boolean, got ${describe(value)}.`,
    )
  }
  if (text === '') {
    throw new ClientError(
      'FOO_ERR_INVALID_ARGUMENT',
      `params.${name} is empty (or not a finite number); an empty path segment would address a different resource.`,
    )
  }
  if (whole && (text === '.' || text === '..')) {
    throw new ClientError(
      'FOO_ERR_INVALID_ARGUMENT',
      `params.${name} is ${JSON.stringify(text)}, a dot segment the URL parser would collapse (even percent-encoded), escaping its path segment; reject it before calling.`,
    )
  }
  try {
    return encodeURIComponent(text)
  } catch (cause) {
    throw new ClientError(
      'FOO_ERR_INVALID_ARGUMENT',
      `params.${name} is not well-formed Unicode (a lone surrogate); fix the string before calling.`,
      { cause },
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
    throw new ClientError(
      'FOO_ERR_INVALID_ARGUMENT',
      `query must be an object or URLSearchParams, got ${describe(query)}.`,
    )
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
      throw new ClientError('FOO_ERR_INVALID_ARGUMENT', `query.${key} is an invalid Date.`)
    }
    text = value.toISOString()
  } else {
    throw new ClientError(
      'FOO_ERR_INVALID_ARGUMENT',
      `query.${key} must be a string, number, boolean, Date, null or an array of them, got ${describe(value)}; serialise objects yourself (e.g. JSON.stringify).`,
    )
  }
  try {
    return `${out}${out === '' ? '?' : '&'}${encodeURIComponent(key)}=${encodeURIComponent(text)}`
  } catch (cause) {
    throw new ClientError(
      'FOO_ERR_INVALID_ARGUMENT',
      `query.${key} is not well-formed Unicode (a lone surrogate).`,
      { cause },
    )
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
