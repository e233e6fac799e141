import { ClientError } from './errors.js'
import { type Headers, isSensitiveHeader } from './headers.js'

/** Statuses that carry a `Location` to follow. */
export function isRedirect(status: number): boolean {
  return status === 301 || status === 302 || status === 303 || status === 307 || status === 308
}

/** The request a redirect answered, as {@link nextHop} reads it. */
export interface HopFrom {
  method: string
  /** `https://api.example.com` */
  origin: string
  /** Path and query, encoded. */
  path: string
  headers: Headers
  /** The request carries a body. */
  hasBody: boolean
  /** Its body can be sent again (bytes, a string): false for a stream. */
  replayable: boolean
}

/** Where a redirect goes next. */
export interface Hop {
  origin: string
  /** pathname + search, as undici takes it. */
  path: string
  method: string
  /** The headers to send there: a new object, the request's own are left as they were. */
  headers: Headers
  /** False when the body must be dropped (303, or 301/302 after POST). */
  keepBody: boolean
}

/**
 * Resolves the next hop of a redirect, without changing anything it is given: 303 (and 301/302
 * after POST, as browsers do) becomes GET without a body or `content-*` headers; 307/308 keep
 * method and body. Leaving the origin drops every header the client treats as a secret (the
 * set `inspect()` redacts: authorization, cookies, tokens, API keys...) and a caller-set `host`.
 * Throws FOO_ERR_REDIRECT on a missing or non-http(s) Location, a loop (`visited` holds every URL
 * of the chain so far), more than `max` hops, or a stream body that a 307/308 would need again.
 * `label` is the request's `GET https://...` for messages.
 */
export function nextHop(
  from: HopFrom,
  status: number,
  location: string | string[] | undefined,
  visited: ReadonlySet<string>,
  max: number,
  label: string,
): Hop {
  const target = Array.isArray(location) ? location[0] : location
  if (target === undefined || target === '') {
    throw new ClientError(
      'FOO_ERR_REDIRECT',
      `${label} responded ${status} without a Location header.`,
    )
  }
  let next: URL
  try {
    next = new URL(target, from.origin + from.path)
  } catch (cause) {
    throw new ClientError('FOO_ERR_REDIRECT', `${label} redirected to an invalid Location.`, {
      cause,
    })
  }
  if (next.protocol !== 'http:' && next.protocol !== 'https:') {
    throw new ClientError(
      'FOO_ERR_REDIRECT',
      `${label} redirected to a ${next.protocol} URL; only http(s) is followed.`,
    )
  }
  const origin = next.origin
  const path = next.pathname + next.search
  if (visited.has(origin + path)) {
    throw new ClientError(
      'FOO_ERR_REDIRECT',
      `${label} is a redirect loop (a Location repeats after ${visited.size} hops); fix the server or set maxRedirections: 0 to see the 3xx response.`,
    )
  }
  if (visited.size > max) {
    throw new ClientError(
      'FOO_ERR_REDIRECT',
      `${label} redirected more than maxRedirections (${max}) times; raise maxRedirections if that is expected.`,
    )
  }
  const toGet = status === 303 || ((status === 301 || status === 302) && from.method === 'POST')
  if (!toGet && from.hasBody && !from.replayable) {
    throw new ClientError(
      'FOO_ERR_REDIRECT',
      `${label} responded ${status} but its stream body cannot be sent again; send a Buffer or string instead, or set maxRedirections: 0.`,
    )
  }
  const crossOrigin = origin !== from.origin
  const headers: Headers = {}
  for (const name of Object.keys(from.headers)) {
    if (crossOrigin && (name === 'host' || isSensitiveHeader(name))) continue
    if (toGet && name.startsWith('content-')) continue
    headers[name] = from.headers[name] as string | string[]
  }
  return {
    origin,
    path,
    method: toGet && from.method !== 'HEAD' ? 'GET' : from.method,
    headers,
    keepBody: !toGet,
  }
}
