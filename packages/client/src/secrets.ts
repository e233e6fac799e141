import { inspect } from 'node:util'
import { isClientError } from './errors.js'
import { type Headers, isSensitiveHeader } from './headers.js'

const redacted = '[REDACTED]'

/**
 * Every value a request carries that the client redacts: sensitive header values (whole, the
 * credential after an auth scheme, each cookie value) and the values of `secretParams` in the
 * query, raw and decoded. Longest first, so a value is replaced before any part of it.
 */
export function secretsOf(
  headers: Headers,
  path: string,
  secretParams: ReadonlySet<string>,
): string[] {
  const found = new Set<string>()
  // A part of a value (a credential, a cookie's value) counts from 4 characters: shorter ones
  // ('=' of base64 padding, a cookie '1') would garble every message and protect nothing.
  const addPart = (part: string | undefined) => {
    if (part !== undefined && part.length >= 4) found.add(part)
  }
  for (const name of Object.keys(headers)) {
    if (!isSensitiveHeader(name)) continue
    const value = headers[name]
    for (const item of Array.isArray(value) ? value : [value]) {
      if (item === undefined || item === '') continue
      found.add(item)
      addPart(/^\S+\s+(\S.*)$/.exec(item)?.[1])
      if (name.includes('cookie')) {
        for (const pair of item.split(';')) addPart(pair.slice(pair.indexOf('=') + 1).trim())
      }
    }
  }
  const queryAt = path.indexOf('?')
  if (queryAt !== -1 && secretParams.size > 0) {
    for (const pair of path.slice(queryAt + 1).split('&')) {
      const at = pair.indexOf('=')
      if (at === -1 || !secretParams.has(decode(pair.slice(0, at)))) continue
      const raw = pair.slice(at + 1)
      found.add(raw)
      found.add(decode(raw))
    }
  }
  const secrets: string[] = []
  for (const value of found) {
    if (value === '') continue
    secrets.push(value)
    // As a JSON string shows it (a mock's message may print the request as JSON).
    const quoted = JSON.stringify(value).slice(1, -1)
    if (quoted !== value) secrets.push(quoted)
  }
  return secrets.sort((a, b) => b.length - a.length)
}

function decode(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '))
  } catch {
    return text
  }
}

/** `text` with every secret replaced by `[REDACTED]`. */
export function scrub(text: string, secrets: readonly string[]): string {
  let out = text
  for (const secret of secrets) if (out.includes(secret)) out = out.replaceAll(secret, redacted)
  return out
}

/**
 * A cause the client may surface: `cause` itself when no rendering of it (its message, stack,
 * `util.inspect`) contains a secret; otherwise a plain Error with the same name, message, stack
 * and primitive fields (codes, errno...), secrets replaced, objects left out, and its own cause
 * made safe the same way. A cause built by another library (a mock echoing the request) must
 * not carry the token into `util.inspect(err)` or a log.
 */
export function safeCause(cause: unknown, secrets: readonly string[], depth = 0): unknown {
  if (secrets.length === 0 || isClientError(cause)) return cause
  let rendered: string
  try {
    rendered = typeof cause === 'string' ? cause : inspect(cause, { depth: 6, showHidden: true })
  } catch {
    rendered = secrets[0] ?? '' // cannot tell: rebuild it
  }
  if (!secrets.some((secret) => rendered.includes(secret))) return cause
  if (typeof cause !== 'object' || cause === null) return scrub(String(cause), secrets)
  const source = cause as Error & Record<string, unknown>
  const copy = new Error(scrub(String(source.message ?? ''), secrets)) as Error &
    Record<string, unknown>
  copy.name = typeof source.name === 'string' ? source.name : 'Error'
  copy.stack = scrub(String(source.stack ?? ''), secrets)
  for (const key of Object.keys(source)) {
    if (key === 'stack' || key === 'message' || key === 'name' || key === 'cause') continue
    const value = source[key]
    if (typeof value === 'string') copy[key] = scrub(value, secrets)
    else if (typeof value === 'number' || typeof value === 'boolean') copy[key] = value
  }
  if (source.cause !== undefined && depth < 4) {
    copy.cause = safeCause(source.cause, secrets, depth + 1)
  }
  return copy
}
