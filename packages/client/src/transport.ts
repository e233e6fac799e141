import { readFileSync } from 'node:fs'
import type { Socket } from 'node:net'
import { Readable } from 'node:stream'
import tls from 'node:tls'
import { Agent, buildConnector, type Dispatcher, request } from 'undici'
import type { Call } from './call.js'
import { whileParserIsCreated } from './fast-exit.js'
import type { Headers } from './headers.js'

/** What every transport hands back: status, lower-cased headers, and the unread body. */
export interface RawResponse {
  statusCode: number
  headers: Record<string, string | string[]>
  body: Readable
}

/** A request body as the transports take it. */
export type WireBody = string | Uint8Array | Readable | AsyncIterable<Uint8Array> | undefined

/** How a client sends one attempt of a call; chosen once per client by {@link chooseSend}. */
export type Send = (call: Call) => Promise<RawResponse>

/** What the client's own Agent is built from. */
export interface AgentOptions {
  /** Extra CAs to trust on top of Node's defaults (bundled, system, `NODE_EXTRA_CA_CERTS`). */
  ca: Array<string | Buffer> | undefined
  /** Deadline for connecting, ms. */
  connectTimeout: number
  /** Called with every socket the Agent opens. Must never reference the Client. */
  onSocket(socket: Socket): void
}

/**
 * Creates the client's own Agent. TLS verification is on whatever `NODE_TLS_REJECT_UNAUTHORIZED`
 * says, and a `ca` adds to Node's default trust instead of replacing it.
 */
export function createAgent(options: AgentOptions): Agent {
  const connect = buildConnector({
    timeout: options.connectTimeout,
    rejectUnauthorized: true,
    ...(options.ca === undefined ? {} : { ca: [...defaultCAs(), ...options.ca] }),
  })
  const onSocket = options.onSocket
  return new Agent({
    connect(connectOptions, callback) {
      connect(connectOptions, (err, socket) => {
        if (err !== null || socket === null) return callback(err as Error, null)
        onSocket(socket as Socket)
        // undici creates its HTTP parser inside this callback, on the first connection.
        whileParserIsCreated(() => callback(null, socket))
      })
    },
  })
}

let defaults: string[] | undefined

/**
 * The CAs Node trusts when no `ca` is given: `tls.getCACertificates('default')` where Node has
 * it (22.15+), else the bundled roots and the `NODE_EXTRA_CA_CERTS` file Node also loaded.
 */
function defaultCAs(): string[] {
  if (defaults !== undefined) return defaults
  const getCACertificates = (tls as { getCACertificates?: (type: string) => string[] })
    .getCACertificates
  defaults =
    typeof getCACertificates === 'function'
      ? getCACertificates('default')
      : [...tls.rootCertificates, ...extraCAs(process.env.NODE_EXTRA_CA_CERTS)]
  return defaults
}

function extraCAs(file: string | undefined): string[] {
  if (file === undefined || file === '') return []
  try {
    return (
      readFileSync(file, 'latin1').match(
        /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g,
      ) ?? []
    )
  } catch {
    return [] // Node warned about it at startup and trusts none of it either.
  }
}

/**
 * The client's transport, chosen once: a user's dispatcher always carries the requests;
 * otherwise the client's own Agent (created on first use by `ownAgent`), except while a
 * mocking library built on @mswjs/interceptors has replaced `fetch` (checked per request:
 * a mock may be installed after the client was created).
 */
export function chooseSend(
  userDispatcher: Dispatcher | undefined,
  ownAgent: () => Dispatcher,
): Send {
  if (userDispatcher !== undefined) return (call) => sendWithDispatcher(userDispatcher, call)
  return (call) => {
    const agent = ownAgent()
    return fetchIsMocked() ? sendWithFetch(agent, call) : sendOnAgent(agent, call)
  }
}

let seenFetch: unknown
let seenFetchIsNative = true
// Where @mswjs/interceptors (behind nock 14 and msw 2) keeps its fetch interceptor while applied.
const kFetchInterceptor = Symbol.for('fetch-interceptor')

/**
 * True while a mocking library intercepts `globalThis.fetch`: nock 14 and msw 2 (both built on
 * @mswjs/interceptors, which registers itself at `globalThis[Symbol.for('fetch-interceptor')]`)
 * have replaced Node's own fetch. Any other replacement (a framework's caching fetch) keeps the
 * fast path. The native check is cached by function identity: the unmocked path costs one
 * property read.
 */
export function fetchIsMocked(): boolean {
  if ((globalThis as Record<symbol, unknown>)[kFetchInterceptor] === undefined) return false
  const current = globalThis.fetch
  if (current !== seenFetch) {
    seenFetch = current
    seenFetchIsNative =
      typeof current === 'function' &&
      Function.prototype.toString.call(current).includes('internal/deps/undici/undici')
  }
  return !seenFetchIsNative
}

/**
 * The fast path, on the client's own Agent: `agent.request({ origin, path })`. The path is
 * already encoded and validated, so undici's top-level `request(url)` (a URL parse and an
 * options copy per call, about a third of its CPU time here) is skipped.
 */
function sendOnAgent(agent: Dispatcher, call: Call): Promise<RawResponse> {
  return agent.request({
    origin: call.origin,
    path: call.path,
    method: call.method as Dispatcher.HttpMethod,
    headers: call.headers,
    body: (call.body ?? null) as string | null,
    signal: call as never,
  }) as unknown as Promise<RawResponse>
}

/**
 * The path for a user's dispatcher (`MockAgent`, any copy of undici): `undici.request`. Its
 * response already has the {@link RawResponse} shape, so it is returned as is.
 */
function sendWithDispatcher(dispatcher: Dispatcher, call: Call): Promise<RawResponse> {
  return request(call.url, {
    method: call.method as Dispatcher.HttpMethod,
    headers: call.headers,
    body: (call.body ?? null) as string | null,
    signal: call as never,
    dispatcher,
  }) as unknown as Promise<RawResponse>
}

/** A mocking library refused the request (no mock matched, or real connections are off). */
export class MockRefusal {
  readonly cause: unknown
  constructor(cause: unknown) {
    this.cause = cause
  }
}

function isMockRefusal(err: unknown): boolean {
  const e = err as { code?: unknown; name?: unknown; message?: unknown } | null
  return (
    e?.code === 'ERR_NOCK_NO_MATCH' ||
    e?.name === 'NetConnectNotAllowedError' ||
    (typeof e?.message === 'string' && e.message.startsWith('[MSW]'))
  )
}

/**
 * The mocked path: through the replaced `globalThis.fetch`, so nock and msw intercept with no
 * client option. Redirects stay ours (`redirect: 'manual'`).
 */
async function sendWithFetch(dispatcher: Dispatcher, call: Call): Promise<RawResponse> {
  // fetch wants a real AbortSignal; this path only runs under a mocking library.
  const controller = new AbortController()
  if (call.aborted) controller.abort()
  else call.once('abort', () => controller.abort())
  const body = call.body
  const init: Record<string, unknown> = {
    method: call.method,
    headers: toHeaderPairs(call.headers),
    signal: controller.signal,
    redirect: 'manual',
    dispatcher,
  }
  if (body !== undefined) {
    init.body = body
    if (typeof body !== 'string' && !(body instanceof Uint8Array)) init.duplex = 'half'
  }
  let response: Response
  try {
    response = await globalThis.fetch(call.url, init as RequestInit)
  } catch (err) {
    // fetch wraps the real failure ("fetch failed"); keep the cause so it maps to a code.
    const cause = err instanceof TypeError && err.cause !== undefined ? err.cause : err
    throw isMockRefusal(cause) ? new MockRefusal(cause) : cause
  }
  const out: Record<string, string | string[]> = {}
  response.headers.forEach((value, name) => {
    if (name !== 'set-cookie') out[name] = value
  })
  const cookies = response.headers.getSetCookie()
  if (cookies.length > 0) out['set-cookie'] = cookies
  const stream = response.body
  return {
    statusCode: response.status,
    headers: out,
    body:
      stream === null
        ? Readable.from([])
        : Readable.fromWeb(stream as import('node:stream/web').ReadableStream<Uint8Array>),
  }
}

function toHeaderPairs(headers: Headers): Array<[string, string]> {
  const pairs: Array<[string, string]> = []
  for (const name of Object.keys(headers)) {
    const value = headers[name]
    if (Array.isArray(value)) for (const item of value) pairs.push([name, item])
    else if (value !== undefined) pairs.push([name, value])
  }
  return pairs
}
