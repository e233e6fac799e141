import { ClientError } from './errors.js'

/** Statuses that carry a `Location` to follow. */
export function isRedirect(status: number): boolean {
  return status === 301 || status === 302 || status === 303 || status === 307 || status === 308
}

/** Headers never forwarded to another origin. */
const credentialHeaders = ['authorization', 'cookie', 'proxy-authorization']

/** The next hop of a redirect. */
export interface Hop {
  url: string
  origin: string
  /** pathname + search, as undici takes it. */
  path: string
  method: string
  /** False when the body must be dropped (303, or 301/302 after POST). */
  keepBody: boolean
  /** True when the hop leaves the origin, so credentials were removed from `headers`. */
  crossOrigin: boolean
}

/**
 * Resolves the next hop: 303 (and 301/302 after POST, as browsers do) becomes GET without a
 * body; 307/308 keep method and body. Throws FOO_ERR_REDIRECT on a missing or non-http(s)
 * Location, a loop, or more than `max` hops. Strips credentials when the origin changes.
 * `describeFrom` is the request's label (`GET https://...`, method included) for messages.
 */
export function nextHop(
  method: string,
  from: string,
  status: number,
  location: string | string[] | undefined,
  visited: Set<string>,
  max: number,
  headers: Record<string, string | string[]>,
  describeFrom: string,
): Hop {
  const target = Array.isArray(location) ? location[0] : location
  if (target === undefined || target === '') {
    throw new ClientError(
      'FOO_ERR_REDIRECT',
      `${describeFrom} responded ${status} without a Location header.`,
    )
  }
  let next: URL
  try {
    next = new URL(target, from)
  } catch (cause) {
    throw new ClientError(
      'FOO_ERR_REDIRECT',
      `${describeFrom} redirected to an invalid Location.`,
      { cause },
    )
  }
  if (next.protocol !== 'http:' && next.protocol !== 'https:') {
    throw new ClientError(
      'FOO_ERR_REDIRECT',
      `${describeFrom} redirected to a ${next.protocol} URL; only http(s) is followed.`,
    )
  }
  next.hash = ''
  const url = next.href
  if (visited.has(url)) {
    throw new ClientError(
      'FOO_ERR_REDIRECT',
      `${describeFrom} is a redirect loop (a Location repeats after ${visited.size} hops); fix the server or set maxRedirections: 0 to see the 3xx response.`,
    )
  }
  if (visited.size > max) {
    throw new ClientError(
      'FOO_ERR_REDIRECT',
      `${describeFrom} redirected more than maxRedirections (${max}) times; raise maxRedirections if that is expected.`,
    )
  }
  visited.add(url)
  const crossOrigin = new URL(from).origin !== next.origin
  if (crossOrigin) for (const name of credentialHeaders) delete headers[name]
  const toGet = status === 303 || ((status === 301 || status === 302) && method === 'POST')
  if (toGet) {
    delete headers['content-type']
    delete headers['content-length']
  }
  return {
    url,
    origin: next.origin,
    path: next.pathname + next.search,
    method: toGet && method !== 'HEAD' ? 'GET' : method,
    keepBody: !toGet,
    crossOrigin,
  }
}
