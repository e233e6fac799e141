import { readFileSync } from 'node:fs'
import type { Socket } from 'node:net'
import { Readable } from 'node:stream'
import tls from 'node:tls'
import {
  Agent,
  buildConnector,
  DecoratorHandler,
  type Dispatcher,
  EnvHttpProxyAgent,
  Pool,
  ProxyAgent,
  request,
} from 'undici'
import type { Call } from './call.js'
import { whileParserIsCreated } from './fast-exit.js'
import type { Headers } from './headers.js'

/** What every transport hands back: status, lower-cased headers, and the unread body. */
export interface RawResponse {
  statusCode: number
  headers: Record<string, string | string[]>
  body: Readable
  /** A mocked fetch response: the mocking library already decoded the codings it knows. */
  mockDecoded?: boolean
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
  /** `'env'` (HTTP_PROXY, HTTPS_PROXY, NO_PROXY) or a proxy URL; none by default. */
  proxy: 'env' | URL | undefined
}

/**
 * Creates the client's own dispatcher: an Agent, or with `proxy` undici's ProxyAgent (a URL)
 * or EnvHttpProxyAgent (`'env'`), tunnelling with CONNECT. TLS verification is on whatever
 * `NODE_TLS_REJECT_UNAUTHORIZED` says, and a `ca` adds to Node's default trust instead of
 * replacing it (for the target and for an https proxy alike). Every socket it opens, through
 * a proxy too, is reported to `onSocket`.
 */
export function createAgent(options: AgentOptions): Dispatcher {
  const tlsOptions = {
    timeout: options.connectTimeout,
    rejectUnauthorized: true,
    ...(options.ca === undefined ? {} : { ca: [...defaultCAs(), ...options.ca] }),
  }
  const onSocket = options.onSocket
  if (options.proxy !== undefined) {
    const proxied = {
      connect: tlsOptions,
      requestTls: tlsOptions,
      proxyTls: tlsOptions,
      factory: adoptingFactory(tlsOptions, onSocket),
    }
    return options.proxy === 'env'
      ? new EnvHttpProxyAgent(proxied)
      : new ProxyAgent({ ...proxied, uri: options.proxy.href })
  }
  const connect = buildConnector(tlsOptions)
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

type ConnectFn = (
  options: object,
  callback: (err: Error | null, socket: Socket | null) => void,
) => void

/**
 * The pools of a proxy agent, built as undici builds them, with each new socket (a tunnel
 * through the proxy, or a direct one for a NO_PROXY host) reported to `onSocket`.
 */
function adoptingFactory(
  tlsOptions: buildConnector.BuildOptions,
  onSocket: (socket: Socket) => void,
): (origin: URL | string, options: object) => Dispatcher {
  return (origin, options) => {
    const given = (options as { connect?: unknown }).connect
    const connect: ConnectFn =
      typeof given === 'function' ? (given as ConnectFn) : (buildConnector(tlsOptions) as ConnectFn)
    return new Pool(origin, {
      ...options,
      connect(
        connectOptions: object,
        callback: (err: Error | null, socket: Socket | null) => void,
      ) {
        connect(connectOptions, (err, socket) => {
          if (socket !== null && err === null) onSocket(socket)
          callback(err, socket)
        })
      },
    } as Pool.Options)
  }
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
  const passthrough = new Passthrough(dispatcher, call)
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
    dispatcher: passthrough,
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
  if (passthrough.encoding !== undefined) out['content-encoding'] = passthrough.encoding
  const stream = response.body
  return {
    mockDecoded: !passthrough.used,
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

/**
 * The dispatcher fetch is given on the mocked path. A request the mock lets through reaches the
 * network exactly as on the client's own Agent: with the call's headers only (fetch's own
 * `accept-language`, `sec-fetch-mode`, `user-agent` and `accept-encoding` are dropped; its
 * `content-length`, computed from the same body, is kept), and its response body reaches the
 * client still encoded (`content-encoding` is hidden from fetch, which would decode it
 * unbounded), so the one decoder of the client handles it. `used` tells a response from the
 * network from one the mock made.
 */
class Passthrough {
  readonly #dispatcher: Dispatcher
  readonly #call: Call
  used = false
  encoding: string | string[] | undefined = undefined

  constructor(dispatcher: Dispatcher, call: Call) {
    this.#dispatcher = dispatcher
    this.#call = call
  }

  dispatch(options: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): boolean {
    this.used = true
    const headers: Headers = { ...this.#call.headers }
    const length = (options.headers as Record<string, string> | null | undefined)?.[
      'content-length'
    ]
    if (length !== undefined) headers['content-length'] = length
    return this.#dispatcher.dispatch({ ...options, headers }, new EncodingHidden(handler, this))
  }
}

// undici 7's types omit the handler methods DecoratorHandler has at run time.
interface Decorating {
  onResponseStart(
    controller: Dispatcher.DispatchController,
    statusCode: number,
    headers: Record<string, string | string[] | undefined>,
    statusMessage?: string,
  ): void
}
const Decorator = DecoratorHandler as unknown as new (
  handler: Dispatcher.DispatchHandler,
) => Decorating

/** Hides `content-encoding` from fetch's handler and keeps it for the client. */
class EncodingHidden extends Decorator {
  readonly #owner: Passthrough

  constructor(handler: Dispatcher.DispatchHandler, owner: Passthrough) {
    super(handler)
    this.#owner = owner
  }

  override onResponseStart(
    controller: Dispatcher.DispatchController,
    statusCode: number,
    headers: Record<string, string | string[] | undefined>,
    statusMessage?: string,
  ): void {
    const encoding = headers['content-encoding']
    if (encoding === undefined) {
      super.onResponseStart(controller, statusCode, headers, statusMessage)
      return
    }
    this.#owner.encoding = encoding
    const { 'content-encoding': _, ...rest } = headers
    // fetch on undici 8 (Node 26) reads the raw header list, not the parsed object.
    const raw = (controller as { rawHeaders?: unknown }).rawHeaders
    if (Array.isArray(raw)) {
      for (let i = raw.length - 2; i >= 0; i -= 2) {
        if (String(raw[i]).toLowerCase() === 'content-encoding') raw.splice(i, 2)
      }
    }
    super.onResponseStart(controller, statusCode, rest, statusMessage)
  }
}
