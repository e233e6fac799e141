import type { Dispatcher } from 'undici'
import { invalidArgument } from './errors.js'
import { describe, type HeaderInput, mergeHeaders } from './headers.js'

/** Retry policy: how many extra attempts, and the backoff bounds in ms. */
export interface RetryOptions {
  /** Extra attempts after the first (0 = no retry). */
  limit: number
  /** Base delay of the exponential backoff, default 100 ms. */
  minDelay?: number
  /** Cap on any delay, `Retry-After` included; default 30 000 ms. */
  maxDelay?: number
}

/** Options accepted by the {@link Client} constructor. */
export interface ClientOptions {
  /** Absolute http(s) URL every request path is appended to, e.g. `https://api.example.com/v1`. */
  baseUrl: string | URL
  /** Default headers sent with every request (names are case-insensitive). */
  headers?: Record<string, string>
  /** Deadline in ms for each attempt of a request (each retry and redirect hop gets its own), covering headers and body; default 30 000. */
  timeout?: number
  /** Opt-in retries: a count or a {@link RetryOptions}; default 0. */
  retry?: number | RetryOptions
  /** Your own undici dispatcher (e.g. `MockAgent`); never closed by the client. */
  dispatcher?: Dispatcher
  /** Largest response body accepted, in bytes; default 10 MiB. */
  maxResponseSize?: number
  /** Redirects followed per request; default 5, 0 = return the 3xx as is. */
  maxRedirections?: number
  /** Query params whose values are redacted from errors and `inspect` output. */
  secretParams?: string[]
  /** Extra CA certificates to trust (PEM), on top of Node's; verification stays on. */
  ca?: string | Buffer | Array<string | Buffer>
}

/** Options after validation, with defaults applied. */
export interface ResolvedOptions {
  origin: string
  /** The base URL's path without its trailing slash (`''` for the root). */
  basePath: string
  /** The base URL as given, normalised and without userinfo. */
  baseUrl: string
  headers: Record<string, string | string[]>
  timeout: number
  retryLimit: number
  minDelay: number
  maxDelay: number
  dispatcher: Dispatcher | undefined
  maxResponseSize: number
  maxRedirections: number
  secretParams: ReadonlySet<string>
  ca: Array<string | Buffer> | undefined
}

const known = new Set([
  'baseUrl',
  'headers',
  'timeout',
  'retry',
  'dispatcher',
  'maxResponseSize',
  'maxRedirections',
  'secretParams',
  'ca',
])

/** The longest delay Node's timers take (2^31 - 1 ms, ~24.8 days); a longer one fires after 1 ms. */
export const maxTimerMs = 2_147_483_647

/** Validates constructor options at the door; every problem is a FOO_ERR_INVALID_ARGUMENT. */
export function resolveOptions(options: ClientOptions): ResolvedOptions {
  if (typeof options !== 'object' || options === null) {
    throw invalidArgument(
      `Client options must be an object such as { baseUrl: 'https://api.example.com' }, got ${describe(options)}.`,
    )
  }
  for (const key of Object.keys(options)) {
    if (!known.has(key)) {
      throw invalidArgument(
        `Unknown Client option "${key}"; valid options are ${[...known].join(', ')}. (TLS verification cannot be turned off: pass the server's CA with { ca } instead.)`,
      )
    }
  }
  const url = parseBaseUrl(options.baseUrl)
  const headers: Record<string, string | string[]> = {}
  if (url.username !== '' || url.password !== '') {
    const user = decodeURIComponent(url.username)
    const pass = decodeURIComponent(url.password)
    headers.authorization = `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`
    url.username = ''
    url.password = ''
  }
  if (options.headers !== undefined)
    mergeHeaders(headers, options.headers as HeaderInput, 'headers')

  const timeout = checked('timeout', options.timeout, 30_000, 1, maxTimerMs)
  let retryLimit = 0
  let minDelay = 100
  let maxDelay = 30_000
  const retry = options.retry
  if (typeof retry === 'number' || retry === undefined) {
    retryLimit = checked('retry', retry, 0, 0)
  } else if (typeof retry === 'object' && retry !== null) {
    retryLimit = checked('retry.limit', retry.limit, Number.NaN, 0)
    minDelay = checked('retry.minDelay', retry.minDelay, 100, 0, maxTimerMs)
    maxDelay = checked('retry.maxDelay', retry.maxDelay, 30_000, 0, maxTimerMs)
    if (maxDelay < minDelay) throw invalidArgument('retry.maxDelay must be >= retry.minDelay.')
  } else {
    throw invalidArgument(
      `retry must be a number of retries or { limit, minDelay?, maxDelay? }, got ${describe(retry)}.`,
    )
  }
  const dispatcher = options.dispatcher
  if (
    dispatcher !== undefined &&
    (typeof dispatcher !== 'object' ||
      dispatcher === null ||
      typeof (dispatcher as { dispatch?: unknown }).dispatch !== 'function')
  ) {
    throw invalidArgument('dispatcher must be an undici Dispatcher (Agent, Pool, MockAgent...).')
  }
  const secretParams = options.secretParams ?? []
  if (!Array.isArray(secretParams) || secretParams.some((p) => typeof p !== 'string')) {
    throw invalidArgument('secretParams must be an array of query parameter names.')
  }
  let ca: Array<string | Buffer> | undefined
  if (options.ca !== undefined) {
    ca = Array.isArray(options.ca) ? options.ca : [options.ca]
    if (ca.length === 0 || ca.some((c) => typeof c !== 'string' && !Buffer.isBuffer(c))) {
      throw invalidArgument('ca must be a PEM string or Buffer, or an array of them.')
    }
    if (dispatcher !== undefined) {
      throw invalidArgument(
        'ca cannot be combined with dispatcher: configure TLS on your dispatcher.',
      )
    }
  }
  const basePath = url.pathname.endsWith('/') ? url.pathname.slice(0, -1) : url.pathname
  return {
    origin: url.origin,
    basePath,
    baseUrl: url.href,
    headers,
    timeout,
    retryLimit,
    minDelay,
    maxDelay,
    dispatcher,
    maxResponseSize: checked('maxResponseSize', options.maxResponseSize, 10 * 1024 * 1024, 0),
    maxRedirections: checked('maxRedirections', options.maxRedirections, 5, 0),
    secretParams: new Set(secretParams),
    ca,
  }
}

function checked(
  name: string,
  value: unknown,
  fallback: number,
  min: number,
  max = Number.MAX_SAFE_INTEGER,
): number {
  if (value === undefined && !Number.isNaN(fallback)) return fallback
  if (
    typeof value !== 'number' ||
    !Number.isFinite(value) ||
    !Number.isInteger(value) ||
    value < min ||
    value > max
  ) {
    // Never String() an arbitrary object here: its toString may throw (Object.create(null)).
    const got = typeof value === 'number' ? String(value) : describe(value)
    const range = max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `from ${min} to ${max}`
    throw invalidArgument(`${name} must be an integer ${range}, got ${got}.`)
  }
  return value
}

function parseBaseUrl(value: unknown): URL {
  if (typeof value !== 'string' && !(value instanceof URL)) {
    throw invalidArgument(
      `baseUrl is required: pass an absolute http(s) URL such as new Client({ baseUrl: 'https://api.example.com/v1' }), got ${describe(value)}.`,
    )
  }
  let url: URL
  try {
    url = new URL(String(value))
  } catch {
    throw invalidArgument(
      `baseUrl ${JSON.stringify(String(value))} is not an absolute URL; include the scheme, e.g. 'https://api.example.com/v1'.`,
    )
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw invalidArgument(`baseUrl must use http: or https:, got ${url.protocol}.`)
  }
  if (url.search !== '' || url.hash !== '') {
    throw invalidArgument(
      'baseUrl must not contain a query or fragment; pass query parameters per request with { query }.',
    )
  }
  return url
}
