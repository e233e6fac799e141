import { cacheStores, type Dispatcher, type interceptors } from 'undici'
import { closestName } from './did-you-mean.js'
import { acceptEncoding } from './encoding.js'
import { invalidArgument, typeOf } from './errors.js'
import { type DynamicHeaders, type HeaderInput, type Headers, mergeHeaders } from './headers.js'
import { type Hooks, type ResolvedHooks, resolveHooks } from './hooks.js'
import { checkInteger, checkMs } from './limits.js'
import { idempotentMethods, type RetryPolicy } from './retry.js'
import { defaultUserAgent } from './user-agent.js'

/** Retry policy: how many extra attempts, the backoff bounds in ms, and which methods. */
export interface RetryOptions {
  /** Extra attempts after the first (0 = no retry). */
  limit: number
  /** Base delay of the exponential backoff, default 100 ms. */
  minDelay?: number
  /** Cap on any delay, `Retry-After` included; default 30 000 ms. */
  maxDelay?: number
  /**
   * Methods that may be sent again, replacing the default: the idempotent ones (`GET`, `HEAD`,
   * `OPTIONS`, `PUT`, `DELETE`, `TRACE`). List `POST` or `PATCH` only if your server makes them
   * idempotent; a request with an `Idempotency-Key` header is retried whatever its method.
   */
  methods?: string[]
}

/** An undici cache store (`cacheStores.MemoryCacheStore`, `SqliteCacheStore` or your own). */
export type CacheStore = NonNullable<NonNullable<Parameters<typeof interceptors.cache>[0]>['store']>

/** The opt-in response cache: bounds of the in-memory store, or your own undici store. */
export interface CacheOptions {
  /** Total bytes kept, default 10 MiB. */
  maxSize?: number
  /** Responses kept, default 1 024. */
  maxCount?: number
  /** Largest response kept, default 1 MiB. */
  maxEntrySize?: number
  /** An undici `CacheStore` instead of the client's own in-memory one. */
  store?: CacheStore
}

/** Options accepted by the {@link Client} constructor. */
export interface ClientOptions {
  /** Absolute http(s) URL every request path is appended to, e.g. `https://api.example.com/v1`. */
  baseUrl: string | URL
  /**
   * Default headers sent with every request (names are case-insensitive). A value may be a
   * function, sync or async, called before each attempt: `{ authorization: () => `Bearer ${token()}` }`.
   */
  headers?: HeaderInput
  /** Your SDK's product token, sent first in the default `user-agent`: `'acme-sdk/2.1.0'`. */
  userAgent?: string
  /** Hooks run by every request, JSON methods included. */
  hooks?: Hooks
  /** Send `accept-encoding` and decode compressed responses; default true. */
  decompress?: boolean
  /** Opt-in HTTP cache for GET (ETag/Last-Modified revalidation, Cache-Control), in memory. */
  cache?: boolean | CacheOptions
  /** `'env'` (HTTP_PROXY, HTTPS_PROXY, NO_PROXY) or the URL of an HTTP(S) proxy. */
  proxy?: 'env' | string | URL
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
  headers: Headers
  /** Header functions by name, or undefined when there are none. */
  dynamic: DynamicHeaders | undefined
  hooks: ResolvedHooks | undefined
  decompress: boolean
  /** The cache interceptor's options, or undefined when caching is off. */
  cache: { store: CacheStore } | undefined
  proxy: 'env' | URL | undefined
  timeout: number
  retry: RetryPolicy
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
  'userAgent',
  'hooks',
  'decompress',
  'cache',
  'proxy',
])
const aboutTls = /tls|ssl|cert|reject|unauthori[sz]ed|verif|insecure|strict/i
const noRetry: RetryPolicy = {
  limit: 0,
  minDelay: 100,
  maxDelay: 30_000,
  methods: new Set(idempotentMethods),
}
const noSecrets: ReadonlySet<string> = new Set()
const methodToken = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/

/** Validates constructor options at the door; every problem is a FOO_ERR_INVALID_ARGUMENT. */
export function resolveOptions(options: ClientOptions): ResolvedOptions {
  if (typeof options !== 'object' || options === null) {
    throw invalidArgument(
      `Client options must be an object such as { baseUrl: 'https://api.example.com' }, got ${typeOf(options)}.`,
    )
  }
  for (const key in options) {
    if (!known.has(key) && Object.hasOwn(options, key)) {
      const tls = aboutTls.test(key)
        ? " (TLS verification cannot be turned off: pass the server's CA with { ca } instead.)"
        : ''
      throw invalidArgument(
        `Unknown Client option "${key}".${closestName(key, known)} Valid options are ${[...known].join(', ')}.${tls}`,
      )
    }
  }
  const base = parseBaseUrl(options.baseUrl)
  const decompress = options.decompress ?? true
  if (typeof decompress !== 'boolean') {
    throw invalidArgument(`decompress must be true or false, got ${typeOf(decompress)}.`)
  }
  let headers: Headers = { 'user-agent': defaultUserAgent(options.userAgent) }
  if (decompress) headers['accept-encoding'] = acceptEncoding
  Object.assign(headers, base.headers)
  const dynamic: DynamicHeaders = {}
  if (options.headers !== undefined) {
    headers = mergeHeaders(headers, options.headers, 'headers', dynamic)
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
  let secretParams = noSecrets
  if (options.secretParams !== undefined) {
    const names = options.secretParams
    if (!Array.isArray(names) || names.some((p) => typeof p !== 'string')) {
      throw invalidArgument('secretParams must be an array of query parameter names.')
    }
    secretParams = new Set(names)
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
  return {
    origin: base.origin,
    basePath: base.basePath,
    baseUrl: base.href,
    headers,
    dynamic: Object.keys(dynamic).length === 0 ? undefined : dynamic,
    hooks: resolveHooks(options.hooks, 'hooks'),
    decompress,
    cache: resolveCache(options.cache),
    proxy: resolveProxy(options.proxy, dispatcher),
    timeout: checkMs('timeout', options.timeout, 30_000, 1),
    retry: resolveRetry(options.retry),
    dispatcher,
    maxResponseSize: checkInteger('maxResponseSize', options.maxResponseSize, 10 * 1024 * 1024, 0),
    maxRedirections: checkInteger('maxRedirections', options.maxRedirections, 5, 0),
    secretParams,
    ca,
  }
}

function resolveCache(cache: ClientOptions['cache']): { store: CacheStore } | undefined {
  if (cache === undefined || cache === false) return undefined
  if (cache === true) return { store: memoryStore({}) }
  if (typeof cache !== 'object' || cache === null) {
    throw invalidArgument(
      `cache must be true, false or { maxSize?, maxCount?, maxEntrySize?, store? }, got ${typeOf(cache)}.`,
    )
  }
  for (const key of Object.keys(cache)) {
    if (!['maxSize', 'maxCount', 'maxEntrySize', 'store'].includes(key)) {
      throw invalidArgument(
        `Unknown cache option "${key}".${closestName(key, ['maxSize', 'maxCount', 'maxEntrySize', 'store'])} Valid: maxSize, maxCount, maxEntrySize, store.`,
      )
    }
  }
  if (cache.store !== undefined) {
    const store = cache.store as Partial<CacheStore> | null
    if (typeof store?.get !== 'function' || typeof store.createWriteStream !== 'function') {
      throw invalidArgument(
        'cache.store must be an undici CacheStore (e.g. new cacheStores.MemoryCacheStore()).',
      )
    }
    return { store: cache.store }
  }
  return { store: memoryStore(cache) }
}

function memoryStore(options: CacheOptions): CacheStore {
  return new cacheStores.MemoryCacheStore({
    maxSize: checkInteger('cache.maxSize', options.maxSize, 10 * 1024 * 1024, 0),
    maxCount: checkInteger('cache.maxCount', options.maxCount, 1024, 0),
    maxEntrySize: checkInteger('cache.maxEntrySize', options.maxEntrySize, 1024 * 1024, 0),
  })
}

function resolveProxy(
  proxy: ClientOptions['proxy'],
  dispatcher: Dispatcher | undefined,
): 'env' | URL | undefined {
  if (proxy === undefined) return undefined
  if (dispatcher !== undefined) {
    throw invalidArgument(
      "proxy cannot be combined with dispatcher: pass undici's ProxyAgent or EnvHttpProxyAgent as your dispatcher instead.",
    )
  }
  if (proxy === 'env') return 'env'
  if (typeof proxy !== 'string' && !(proxy instanceof URL)) {
    throw invalidArgument(
      `proxy must be 'env' or a proxy URL such as 'http://proxy.example:3128', got ${typeOf(proxy)}.`,
    )
  }
  const text = typeof proxy === 'string' ? proxy : proxy.href
  let url: URL
  try {
    url = new URL(text)
  } catch {
    throw invalidArgument(
      `proxy ${JSON.stringify(withoutUserinfo(text))} is not an absolute URL; use 'env' or a URL such as 'http://proxy.example:3128'.`,
    )
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw invalidArgument(`proxy must use http: or https:, got ${url.protocol}.`)
  }
  return url
}

function resolveRetry(retry: ClientOptions['retry']): RetryPolicy {
  if (retry === undefined) return noRetry
  if (typeof retry === 'number') {
    const limit = checkInteger('retry', retry, undefined, 0)
    return limit === 0 ? noRetry : { ...noRetry, limit }
  }
  if (typeof retry !== 'object' || retry === null) {
    throw invalidArgument(
      `retry must be a number of retries or { limit, minDelay?, maxDelay?, methods? }, got ${typeOf(retry)}.`,
    )
  }
  const limit = checkInteger('retry.limit', retry.limit, undefined, 0)
  const minDelay = checkMs('retry.minDelay', retry.minDelay, 100, 0)
  const maxDelay = checkMs('retry.maxDelay', retry.maxDelay, 30_000, 0)
  if (maxDelay < minDelay) throw invalidArgument('retry.maxDelay must be >= retry.minDelay.')
  let methods = noRetry.methods
  if (retry.methods !== undefined) {
    if (
      !Array.isArray(retry.methods) ||
      retry.methods.some((m) => typeof m !== 'string' || !methodToken.test(m))
    ) {
      throw invalidArgument(
        `retry.methods must be an array of HTTP methods such as ['GET', 'PUT'], got ${JSON.stringify(retry.methods)}.`,
      )
    }
    methods = new Set(retry.methods.map((m) => m.toUpperCase()))
  }
  return { limit, minDelay, maxDelay, methods }
}

/** A base URL, parsed once per distinct value: clients are often created per request or user. */
interface BaseUrl {
  origin: string
  basePath: string
  href: string
  /** `authorization` from the URL's userinfo, if any. */
  headers: Headers
}

const baseUrls = new Map<string, BaseUrl>()
const maxCachedBaseUrls = 100

function parseBaseUrl(value: unknown): BaseUrl {
  if (typeof value !== 'string' && !(value instanceof URL)) {
    throw invalidArgument(
      `baseUrl is required: pass an absolute http(s) URL such as new Client({ baseUrl: 'https://api.example.com/v1' }), got ${typeOf(value)}.`,
    )
  }
  const text = typeof value === 'string' ? value : value.href
  const cached = baseUrls.get(text)
  if (cached !== undefined) return cached
  let url: URL
  try {
    url = new URL(text)
  } catch {
    throw invalidArgument(
      `baseUrl ${JSON.stringify(withoutUserinfo(text))} is not an absolute URL; include the scheme, e.g. 'https://api.example.com/v1'.`,
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
  const headers: Headers = {}
  if (url.username !== '' || url.password !== '') {
    let user: string
    let pass: string
    try {
      user = decodeURIComponent(url.username)
      pass = decodeURIComponent(url.password)
    } catch {
      throw invalidArgument(
        `baseUrl ${JSON.stringify(withoutUserinfo(text))} has a malformed percent-escape in its user name or password; encode them with encodeURIComponent, or pass an authorization header instead.`,
      )
    }
    headers.authorization = `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`
    url.username = ''
    url.password = ''
  }
  const parsed: BaseUrl = {
    origin: url.origin,
    basePath: url.pathname.endsWith('/') ? url.pathname.slice(0, -1) : url.pathname,
    href: url.href,
    // Shared by every client of this base URL: nobody may change it.
    headers: Object.freeze(headers),
  }
  if (baseUrls.size >= maxCachedBaseUrls) baseUrls.clear()
  baseUrls.set(text, parsed)
  return parsed
}

/**
 * `https://[REDACTED]@host/...`: what a message may show of a URL that did not parse. Everything
 * up to the last `@` before a query goes: a password may hold `/` or `@` when it failed to parse.
 */
function withoutUserinfo(text: string): string {
  return text.replace(/^([^:/?#]+:\/\/|\/\/)?[^?#]*@/, (_, scheme = '') => `${scheme}[REDACTED]@`)
}
