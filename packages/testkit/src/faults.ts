import { once } from 'node:events'
import type http from 'node:http'
import net, { type Socket } from 'node:net'
import { type Protocol, startServer, type TestServer } from './server.js'

/**
 * Every misbehaviour the fault server can produce. Pick one per request with a path
 * containing `/fault/<name>` or the header `x-fault: <name>`; anything else gets `ok` (or a seeded random
 * fault when the server was started with `random`).
 */
export const FAULTS = [
  /** 200 with a JSON echo of the request (method, path, headers, attempt). */
  'ok',
  /** 204, no body. */
  'empty',
  /** TCP reset before any byte of the response. */
  'reset-before',
  /** Headers and half the body, then a TCP reset. */
  'reset-during',
  /** A complete response, then a TCP reset right after it is flushed. */
  'reset-after',
  /** A complete keep-alive response (advertising a long keep-alive), then the socket is closed after `ms` (default 1): races a client reusing it. */
  'idle-close',
  /** `Content-Length` larger than the body, then the socket ends. */
  'truncated',
  /** `Content-Length` smaller than the body: the extra bytes poison the next response on that socket, which is then closed. */
  'excess-body',
  /** Headers only after `ms` (default 50). */
  'slow-headers',
  /** Body trickled in 8 chunks over `ms` (default 80). */
  'slow-body',
  /** Headers and part of the body, then nothing until the client gives up. */
  'stall-body',
  /** Never answers; the socket stays open until the client gives up or the server closes. */
  'never-respond',
  /** 429 with `Retry-After: <after>` (seconds, default 0). */
  'status-429',
  /** 503 with `Retry-After: <after>` (seconds, default 0). */
  'status-503',
  /** 500 with a JSON error body (padded with `size` bytes when given). */
  'status-500',
  /** `content-type: application/json` and a body that is not JSON. */
  'malformed-json',
  /** A JSON object with `__proto__` and `constructor.prototype` keys. */
  'proto-json',
  /** A body of `size` bytes (default 32 MiB) with a correct Content-Length, streamed with backpressure. */
  'huge-body',
  /** A single response header of `size` bytes (default 128 KiB). */
  'huge-headers',
  /** A header value with a NUL and a bare CR, written raw on the socket. */
  'invalid-header',
  /** 302 to `/fault/ok` on the same origin. */
  'redirect',
  /** 302 to `/fault/ok` on the peer server (another port: another origin). */
  'redirect-cross-origin',
  /** 302 to itself, forever. */
  'redirect-loop',
  /** 200 with `connection: close`, then the listener closes, every socket is destroyed and the same port reopens after `ms` (default 20). */
  'restart',
  /** Reads the whole request (the server may have acted on it), then closes the connection without a response byte. */
  'close-after-read',
  /** 302 to `/fault/ok` whose chunked body trickles one byte every `ms` (default 1000) and never ends. */
  'redirect-trickle',
  /** 503 with `Retry-After: <after>` (default 0) whose chunked body trickles one byte every `ms` (default 1000) and never ends. */
  'status-503-trickle',
  /** 500 with part of a JSON error body, then nothing until the client gives up. */
  'status-500-stall',
] as const

/** One fault the server can inject. */
export type FaultName = (typeof FAULTS)[number]

/** Seeded random fault selection for {@link startFaultServer}. */
export interface RandomFaults {
  /** Any integer; the same seed and request ids give the same faults. */
  seed: number
  /** Relative weights; defaults to weight 1 for every fault up to `restart` (later ones only when named here). A fault absent here is never picked. */
  weights?: Partial<Record<FaultName, number>>
}

/** Options for {@link startFaultServer}. */
export interface FaultServerOptions {
  /** Defaults to `'http'`. */
  protocol?: Protocol
  /** When set, requests that do not name a fault get a seeded random one. */
  random?: RandomFaults
  /** Server keep-alive timeout in ms (Node's default is 5000). */
  keepAliveTimeout?: number
}

/** What the fault server did so far. */
export interface FaultCounts {
  /** Requests seen (every attempt, including retries). */
  requests: number
  /** Requests seen per HTTP method. */
  methods: Record<string, number>
  /** Faults injected per kind (`ok` included). */
  faults: Partial<Record<FaultName, number>>
  /** Connections accepted, across restarts. */
  connections: number
  /** Times the listener restarted. */
  restarts: number
}

/** What the server saw for one `x-request-id`. */
export interface RequestRecord {
  method: string
  /** How many times a request with this id arrived (1 = never retried). */
  attempts: number
  /** The fault injected on each attempt, in order. */
  faults: FaultName[]
  /** Per attempt: did it arrive on a socket that had carried an earlier request? */
  reused: boolean[]
  /** Per attempt: had the server written any response byte when the exchange ended? (`undefined` while in progress) */
  responded: Array<boolean | undefined>
}

/** A started fault-injecting server on 127.0.0.1, with a peer on another port. */
export interface FaultServer {
  /** `http://127.0.0.1:PORT` or `https://127.0.0.1:PORT`. */
  origin: string
  port: number
  protocol: Protocol
  /** The CA that signs the HTTPS certificate (`undefined` for HTTP). */
  ca: string | undefined
  /** A second server (same protocol, another port) that answers every request with a JSON echo; the target of `redirect-cross-origin`. */
  peer: TestServer
  /** The underlying server (its `connections` are the sockets open right now). */
  server: TestServer
  /** A copy of what the server did so far. */
  counts(): FaultCounts
  /** Per `x-request-id`: method, attempts and faults. */
  requests(): ReadonlyMap<string, RequestRecord>
  /** Forgets the per-request records (long runs call it between rounds to keep memory flat). */
  clearRequests(): void
  /** Closes the listener and every socket, then listens again on the same port after `downMs`. */
  restart(downMs?: number): Promise<void>
  /** Destroys every connection and closes both servers. Idempotent. */
  close(): Promise<void>
}

const MiB = 1024 * 1024

/**
 * Starts a fault-injecting HTTP or HTTPS server on 127.0.0.1 (and a peer on another port for
 * cross-origin redirects). Name the fault per request by path or header; tune it with query
 * parameters `ms`, `size` and `after`.
 *
 * @example
 * ```ts
 * const faults = await startFaultServer({ protocol: 'https', random: { seed: 42 } })
 * await request(`${faults.origin}/fault/truncated`, { dispatcher }) // rejects: body cut short
 * await request(`${faults.origin}/anything`, { headers: { 'x-request-id': '1' }, dispatcher }) // a seeded fault
 * faults.requests().get('1') // { method: 'GET', attempts: 1, faults: [...] }
 * await faults.close()
 * ```
 */
export async function startFaultServer(options: FaultServerOptions = {}): Promise<FaultServer> {
  const protocol = options.protocol ?? 'http'
  const counts: FaultCounts = { requests: 0, methods: {}, faults: {}, connections: 0, restarts: 0 }
  const records = new Map<string, RequestRecord>()
  const pick = options.random ? weightedPicker(options.random) : undefined
  let anonymous = 0
  const served = new WeakMap<Socket, number>()
  let restarting: Promise<void> | undefined

  const peer = await startServer({ protocol, handler: (req, res) => echo(req, res, 'peer') })
  const handler: http.RequestListener = (req, res) => {
    const url = new URL(req.url ?? '/', 'http://x')
    const method = req.method ?? 'GET'
    counts.requests++
    counts.methods[method] = (counts.methods[method] ?? 0) + 1
    const id = header(req, 'x-request-id')
    let record: RequestRecord | undefined
    const socket = req.socket
    const earlier = served.get(socket) ?? 0
    served.set(socket, earlier + 1)
    if (id !== undefined) {
      record = records.get(id) ?? { method, attempts: 0, faults: [], reused: [], responded: [] }
      const attempt = record.attempts++
      record.reused.push(earlier > 0)
      record.responded.push(undefined)
      const written = socket.bytesWritten
      const current = record
      res.once('close', () => {
        current.responded[attempt] = socket.bytesWritten > written
      })
      records.set(id, record)
    }
    const fault = chooseFault(url, req, () =>
      pick ? pick(`${id ?? `#${anonymous++}`}:${record?.attempts ?? 0}`) : 'ok',
    )
    record?.faults.push(fault)
    counts.faults[fault] = (counts.faults[fault] ?? 0) + 1
    inject(fault, req, res, {
      ms: numberParam(url, 'ms'),
      size: numberParam(url, 'size'),
      after: url.searchParams.get('after') ?? '0',
      peerOrigin: peer.origin,
      restart: (downMs) => void restart(downMs),
    })
  }
  const server = await startServer({
    protocol,
    handler,
    ...(options.keepAliveTimeout === undefined
      ? {}
      : { keepAliveTimeout: options.keepAliveTimeout }),
  })

  function restart(downMs = 20): Promise<void> {
    restarting ??= (async () => {
      counts.restarts++
      const closed = new Promise<void>((resolve) => server.server.close(() => resolve()))
      for (const socket of server.connections) socket.destroy()
      await closed
      await delay(downMs)
      await listenAgain(server)
    })().finally(() => {
      restarting = undefined
    })
    return restarting
  }

  let closing: Promise<void> | undefined
  return {
    origin: server.origin,
    port: server.port,
    protocol,
    ca: server.ca,
    peer,
    server,
    counts: () => ({ ...structuredClone(counts), connections: server.accepted() }),
    requests: () => records,
    clearRequests: () => records.clear(),
    restart,
    close() {
      closing ??= (async () => {
        await restarting?.catch(() => {})
        await Promise.all([server.close(), peer.close()])
      })()
      return closing
    },
  }
}

/** Listens on the same port again; another process may hold it for a moment, so retry briefly. */
async function listenAgain(server: TestServer): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      server.server.listen(server.port, '127.0.0.1')
      await once(server.server, 'listening')
      return
    } catch (error) {
      if (attempt >= 20 || (error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error
      await delay(25)
    }
  }
}

function chooseFault(url: URL, req: http.IncomingMessage, random: () => FaultName): FaultName {
  // `/fault/<name>` anywhere in the path, so clients with a base path (`/v1/fault/...`) can name faults.
  const named = /\/fault\/([^/]+)/.exec(url.pathname)?.[1] ?? header(req, 'x-fault')
  if (named !== undefined && named !== 'random') {
    return (FAULTS as readonly string[]).includes(named) ? (named as FaultName) : 'status-500'
  }
  return random()
}

interface FaultParams {
  ms: number | undefined
  size: number | undefined
  after: string
  peerOrigin: string
  restart(downMs: number): void
}

function inject(
  fault: FaultName,
  req: http.IncomingMessage,
  res: http.ServerResponse,
  params: FaultParams,
): void {
  const socket = req.socket
  switch (fault) {
    case 'ok':
      echo(req, res, 'fault')
      return
    case 'empty':
      res.statusCode = 204
      res.end()
      return
    case 'reset-before':
      reset(socket)
      return
    case 'reset-during':
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '1000' })
      res.write('{"partial":"', () => setImmediate(() => reset(socket)))
      return
    case 'reset-after':
      res.once('finish', () => setImmediate(() => reset(socket)))
      echo(req, res, 'fault')
      return
    case 'idle-close':
      // Advertise a long keep-alive so the client keeps the socket for reuse, then close it.
      res.setHeader('connection', 'keep-alive')
      res.setHeader('keep-alive', 'timeout=600')
      res.once('finish', () => {
        const timer = setTimeout(() => socket.destroy(), params.ms ?? 1)
        socket.once('close', () => clearTimeout(timer))
      })
      echo(req, res, 'fault')
      return
    case 'truncated':
      raw(
        socket,
        `${head(200, { 'content-type': 'application/json', 'content-length': '200' })}{"cut":"shor`,
      )
      return
    case 'excess-body':
      raw(
        socket,
        head(200, { 'content-type': 'application/json', 'content-length': '2' }) +
          '{}HTTP/1.1 200 OK\r\n\r\n',
      )
      return
    case 'slow-headers':
      {
        // A client that gives up first must not leave this timer behind.
        const timer = setTimeout(() => echo(req, res, 'fault'), params.ms ?? 50)
        res.once('close', () => clearTimeout(timer))
      }
      return
    case 'slow-body':
      slowBody(res, params.ms ?? 80)
      return
    case 'stall-body':
      stall(res, 200, '{"stalled":"')
      return
    case 'never-respond':
      return
    case 'status-429':
    case 'status-503':
      res.writeHead(fault === 'status-429' ? 429 : 503, {
        'retry-after': params.after,
        'content-type': 'application/json',
      })
      res.end(JSON.stringify({ error: fault }))
      return
    case 'status-500':
      res.writeHead(500, { 'content-type': 'application/json' })
      res.end(JSON.stringify({ error: 'internal', pad: 'p'.repeat(params.size ?? 0) }))
      return
    case 'malformed-json':
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end('{"ok": tru')
      return
    case 'proto-json':
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end(
        '{"__proto__":{"polluted":true,"isAdmin":true},"constructor":{"prototype":{"polluted":true}},"ok":true}',
      )
      return
    case 'huge-body':
      hugeBody(res, params.size ?? 32 * MiB)
      return
    case 'huge-headers':
      raw(
        socket,
        head(200, { 'x-huge': 'a'.repeat(params.size ?? 128 * 1024), 'content-length': '2' }) +
          '{}',
      )
      return
    case 'invalid-header':
      raw(socket, 'HTTP/1.1 200 OK\r\nx-bad: a\u0000b\rc\r\ncontent-length: 2\r\n\r\n{}')
      return
    case 'redirect':
      res.writeHead(302, { location: '/fault/ok' })
      res.end()
      return
    case 'redirect-cross-origin':
      res.writeHead(302, { location: `${params.peerOrigin}/fault/ok` })
      res.end()
      return
    case 'redirect-loop':
      res.writeHead(302, { location: req.url ?? '/fault/redirect-loop' })
      res.end()
      return
    case 'restart':
      res.setHeader('connection', 'close')
      res.once('finish', () => params.restart(params.ms ?? 20))
      echo(req, res, 'fault')
      return
    case 'close-after-read':
      req.resume()
      req.once('end', () => socket.destroy())
      return
    case 'redirect-trickle':
      res.writeHead(302, { location: '/fault/ok' })
      trickle(res, params.ms ?? 1000)
      return
    case 'status-503-trickle':
      res.writeHead(503, { 'retry-after': params.after, 'content-type': 'application/json' })
      trickle(res, params.ms ?? 1000)
      return
    case 'status-500-stall':
      stall(res, 500, '{"error":"partial')
      return
  }
}

/** Promises a 1000-byte JSON body, sends `start`, then nothing until the client gives up. */
function stall(res: http.ServerResponse, status: number, start: string): void {
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': '1000' })
  res.write(start)
}

/** Writes one byte every `ms`, forever (until the client goes away). */
function trickle(res: http.ServerResponse, ms: number): void {
  res.write('x')
  const timer = setInterval(() => res.write('x'), ms)
  res.once('close', () => clearInterval(timer))
}

/** Answers 200 with what the server saw, after reading the request body. */
function echo(req: http.IncomingMessage, res: http.ServerResponse, server: 'fault' | 'peer'): void {
  const chunks: Buffer[] = []
  req.on('data', (chunk: Buffer) => chunks.push(chunk))
  req.once('end', () => {
    if (res.destroyed) return
    const body = JSON.stringify({
      ok: true,
      server,
      method: req.method,
      url: req.url,
      headers: req.headers,
      body: Buffer.concat(chunks).toString('utf8'),
    })
    res.writeHead(200, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(body),
    })
    res.end(body)
  })
  req.once('error', () => {})
}

function slowBody(res: http.ServerResponse, ms: number): void {
  const chunks = 8
  const body = JSON.stringify({ ok: true, slow: 'x'.repeat(64) })
  const step = Math.ceil(body.length / chunks)
  res.writeHead(200, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
  })
  let sent = 0
  const timer = setInterval(() => {
    if (res.destroyed) return clearInterval(timer)
    res.write(body.slice(sent, sent + step))
    sent += step
    if (sent >= body.length) {
      clearInterval(timer)
      res.end()
    }
  }, ms / chunks)
  res.once('close', () => clearInterval(timer))
}

function hugeBody(res: http.ServerResponse, size: number): void {
  const chunk = Buffer.alloc(64 * 1024, 'a')
  res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': size })
  let left = size
  const pump = (): void => {
    while (left > 0 && !res.destroyed) {
      const part = left >= chunk.length ? chunk : chunk.subarray(0, left)
      left -= part.length
      if (!res.write(part)) return void res.once('drain', pump)
    }
    if (left === 0) res.end()
  }
  pump()
}

/** Sends a TCP RST (over TLS the peer may see a plain close: the TLS socket is torn down first). */
function reset(socket: Socket): void {
  const tcp = (socket as Socket & { _parent?: unknown })._parent
  if (!(tcp instanceof net.Socket)) return void socket.resetAndDestroy()
  // Destroy the TLS socket first so Node's HTTP server forgets it cleanly, then reset the TCP one.
  socket.destroy()
  if (!tcp.destroyed) tcp.resetAndDestroy()
}

/** Takes the socket away from Node's HTTP writer to send bytes it would refuse to send. */
function raw(socket: Socket, bytes: string): void {
  socket.end(bytes, 'latin1')
}

function head(status: number, headers: Record<string, string>): string {
  const lines = Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`)
  return `HTTP/1.1 ${status} OK\r\n${lines.join('')}\r\n`
}

function header(req: http.IncomingMessage, name: string): string | undefined {
  const value = req.headers[name]
  return Array.isArray(value) ? value[0] : value
}

function numberParam(url: URL, name: string): number | undefined {
  const value = url.searchParams.get(name)
  if (value === null) return undefined
  const parsed = Number(value)
  return Number.isFinite(parsed) && parsed >= 0 ? parsed : undefined
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}

// Faults added after `restart` are picked only when weighted: a seed picks what it always did.
const PICKED_BY_DEFAULT = FAULTS.slice(0, FAULTS.indexOf('restart') + 1)

/** A deterministic fault for a key: FNV-1a of seed + key into mulberry32, then a weighted pick. */
function weightedPicker(random: RandomFaults): (key: string) => FaultName {
  const weights = random.weights ?? Object.fromEntries(PICKED_BY_DEFAULT.map((fault) => [fault, 1]))
  const table = FAULTS.filter((fault) => (weights[fault] ?? 0) > 0).map(
    (fault) => [fault, weights[fault] ?? 0] as const,
  )
  const total = table.reduce((sum, [, weight]) => sum + weight, 0)
  if (table.length === 0 || !(total > 0))
    throw new RangeError('random.weights must give some fault a positive weight')
  return (key) => {
    let target = unitFloat(`${random.seed}:${key}`) * total
    for (const [fault, weight] of table) {
      target -= weight
      if (target < 0) return fault
    }
    return table[table.length - 1]?.[0] ?? 'ok'
  }
}

function unitFloat(text: string): number {
  let hash = 0x811c9dc5
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i)
    hash = Math.imul(hash, 0x01000193)
  }
  // mulberry32, one step
  let t = (hash + 0x6d2b79f5) | 0
  t = Math.imul(t ^ (t >>> 15), t | 1)
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296
}
