import type { Socket } from 'node:net'
import { Readable } from 'node:stream'
import { rootCertificates } from 'node:tls'
import { Agent, buildConnector, type Dispatcher, request } from 'undici'
import type { Managed } from './lifecycle/manage.js'
import type { AbortSource } from './retry.js'

/** What every transport hands back: status, lower-cased headers, and the unread body. */
export interface RawResponse {
  statusCode: number
  headers: Record<string, string | string[]>
  body: Readable
}

/** A request body as the transports take it. */
export type WireBody = string | Uint8Array | Readable | AsyncIterable<Uint8Array> | undefined

/**
 * Per-agent bookkeeping the connector writes to. It must never reference a Client: the agent's
 * connector closes over it, and the lifecycle registry keeps the agent alive.
 */
export interface SocketBook {
  managed: Managed | undefined
  /** `localPort remoteAddress:remotePort` -> the socket's bytesRead when it last went idle. */
  idle: Map<string, number>
}

const kIdleKey = Symbol('foo.idleKey')

/**
 * Creates the client's own Agent. Its connector adopts every new socket into the lifecycle
 * entry and records, each time undici parks the socket (it calls `unref()` when idle), how many
 * bytes it had read, so a reset can be recognised as "on a reused socket, before any byte".
 */
export function createAgent(
  ca: Array<string | Buffer> | undefined,
  timeout: number,
): {
  agent: Agent
  book: SocketBook
} {
  const book: SocketBook = { managed: undefined, idle: new Map() }
  // Connecting is bounded by the client's timeout too (undici's default is 10 s).
  const connectTimeout = Math.min(timeout, 10_000)
  const connect = buildConnector(
    ca === undefined
      ? { timeout: connectTimeout }
      : { timeout: connectTimeout, ca: [...rootCertificates, ...ca] },
  )
  const agent = new Agent({
    connect(options, callback) {
      connect(options, (err, socket) => {
        if (err === null && socket !== null) {
          track(book, socket as Socket)
          callback(null, socket)
        } else {
          callback(err as Error, null)
        }
      })
    },
  })
  return { agent, book }
}

function track(book: SocketBook, socket: Socket & { [kIdleKey]?: string }): void {
  book.managed?.adopt(socket)
  const unref = socket.unref
  socket.unref = function unrefAndRecord(this: Socket & { [kIdleKey]?: string }) {
    this[kIdleKey] ??= `${this.localPort} ${this.remoteAddress}:${this.remotePort}`
    const key = this[kIdleKey]
    book.idle.set(key, this.bytesRead)
    return unref.call(this)
  }
  socket.once('close', () => {
    const key = socket[kIdleKey]
    // undici fails the request after 'close' listeners run; keep the record one turn longer.
    if (key !== undefined) setImmediate(() => book.idle.delete(key)).unref()
  })
}

/**
 * True when the connection failed on a socket that had completed an earlier response and had
 * read nothing since: the server closed an idle keep-alive socket as we wrote. Only then may a
 * non-idempotent request be sent again. Needs undici's SocketError socket info (UND_ERR_SOCKET).
 */
export function failedOnReusedIdleSocket(book: SocketBook | undefined, err: unknown): boolean {
  if (book === undefined) return false
  const info = err as {
    code?: unknown
    socket?: {
      localPort?: number
      remoteAddress?: string
      remotePort?: number
      bytesRead?: number
    }
  }
  if (info?.code !== 'UND_ERR_SOCKET' || info.socket === undefined) return false
  const { localPort, remoteAddress, remotePort, bytesRead } = info.socket
  // The whole 4-tuple's varying part: two origins can share a local and a remote port.
  const idleBytes = book.idle.get(`${localPort} ${remoteAddress}:${remotePort}`)
  return idleBytes !== undefined && idleBytes > 0 && bytesRead === idleBytes
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
export function sendOnAgent(
  agent: Dispatcher,
  origin: string,
  path: string,
  method: string,
  headers: Record<string, string | string[]>,
  body: WireBody,
  signal: AbortSource,
): Promise<RawResponse> {
  return agent.request({
    origin,
    path,
    method: method as Dispatcher.HttpMethod,
    headers,
    body: (body ?? null) as string | null,
    signal: signal as never,
  }) as unknown as Promise<RawResponse>
}

/**
 * The path for a user's dispatcher (`MockAgent`, any copy of undici): `undici.request`. Its response already has the
 * {@link RawResponse} shape, so it is returned as is (no extra promise or object per request).
 */
export function sendWithUndici(
  dispatcher: Dispatcher,
  url: string,
  method: string,
  headers: Record<string, string | string[]>,
  body: WireBody,
  signal: AbortSource,
): Promise<RawResponse> {
  return request(url, {
    method: method as Dispatcher.HttpMethod,
    headers,
    body: (body ?? null) as string | null,
    signal: signal as never,
    dispatcher,
  }) as unknown as Promise<RawResponse>
}

/**
 * The mocked path: through the replaced `globalThis.fetch`, so nock and msw intercept with no
 * client option. Redirects stay ours (`redirect: 'manual'`).
 */
export async function sendWithFetch(
  dispatcher: Dispatcher | undefined,
  url: string,
  method: string,
  headers: Record<string, string | string[]>,
  body: WireBody,
  source: AbortSource,
): Promise<RawResponse> {
  // fetch wants a real AbortSignal; this path only runs under a mocking library.
  const controller = new AbortController()
  if (source.aborted) controller.abort()
  else source.once('abort', () => controller.abort())
  const init: Record<string, unknown> = {
    method,
    headers: toHeaderPairs(headers),
    signal: controller.signal,
    redirect: 'manual',
  }
  if (dispatcher !== undefined) init.dispatcher = dispatcher
  if (body !== undefined) {
    init.body = body
    if (typeof body !== 'string' && !(body instanceof Uint8Array)) init.duplex = 'half'
  }
  let response: Response
  try {
    response = await globalThis.fetch(url, init as RequestInit)
  } catch (err) {
    // fetch wraps the real failure ("fetch failed"); keep the cause so it maps to a code.
    throw err instanceof TypeError && err.cause !== undefined ? err.cause : err
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

function toHeaderPairs(headers: Record<string, string | string[]>): Array<[string, string]> {
  const pairs: Array<[string, string]> = []
  for (const name of Object.keys(headers)) {
    const value = headers[name]
    if (Array.isArray(value)) for (const item of value) pairs.push([name, item])
    else if (value !== undefined) pairs.push([name, value])
  }
  return pairs
}
