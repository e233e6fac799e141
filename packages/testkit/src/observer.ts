import { EventEmitter, once } from 'node:events'
import http from 'node:http'
import net from 'node:net'
import { Duplex } from 'node:stream'
import tls from 'node:tls'
import { createCertificate } from './certificate.js'

/**
 * How a connection ended, seen from the server:
 * - `fin`: the peer ended it cleanly (TCP FIN, the socket's `'end'` event);
 * - `rst`: the peer reset it (`ECONNRESET` / `EPIPE`);
 * - `server`: the server closed it first (keep-alive timeout, observer shut down);
 * - `open`: still open when the snapshot was taken.
 */
export type ConnectionEnding = 'fin' | 'rst' | 'server' | 'open'

/** What the observer recorded about one accepted connection. */
export interface ConnectionRecord {
  /** 1, 2, 3... in accept order. */
  id: number
  protocol: 'http' | 'https'
  /** The client's port (its ephemeral port on 127.0.0.1). */
  remotePort: number
  ending: ConnectionEnding
  /** Epoch ms of accept. */
  acceptedAt: number
  /** Epoch ms when the ending was seen (`undefined` while open). */
  endedAt: number | undefined
  /** `endedAt - acceptedAt`. */
  msAfterAccept: number | undefined
  /** Epoch ms when the last response on this connection was fully written. */
  lastResponseAt: number | undefined
  /** `endedAt - lastResponseAt`. */
  msAfterLastResponse: number | undefined
  /** Requests received on this connection. */
  requests: number
  /** Responses fully written on this connection. */
  responses: number
  /**
   * TLS only: `true` when the peer sent a close_notify alert before its FIN, `false` when it
   * just closed the TCP socket, `undefined` for plain HTTP, a reset or a connection still open.
   */
  tlsCloseNotify: boolean | undefined
  /** The error code behind an `rst` ending. */
  errorCode: string | undefined
}

/** Options for {@link startObserver}. */
export interface ObserverOptions {
  /** Server keep-alive timeout in ms. Defaults to 60 000, long enough for a leak to show. */
  keepAliveTimeout?: number
}

/** An HTTP and an HTTPS endpoint that record how every connection ended. */
export interface Observer {
  /** `http://127.0.0.1:PORT` */
  httpOrigin: string
  /** `https://127.0.0.1:PORT` (self-signed; trust {@link Observer.ca}). */
  httpsOrigin: string
  /** PEM CA certificate the HTTPS endpoint is signed with. */
  ca: string
  /** Fires `'request'` with the request path whenever a request arrives. */
  events: EventEmitter<{ request: [path: string] }>
  /** A copy of every connection record so far, open ones included. */
  connections(): ConnectionRecord[]
  /** Epoch ms when the last response of any connection was fully written. */
  lastResponseAt(): number | undefined
  /** Resolves once a request for `path` has arrived (or at once if one already has). */
  waitForRequest(path: string, timeoutMs?: number): Promise<void>
  /**
   * Waits until no connection is open or nothing changed for `quietMs`, up to `timeoutMs`;
   * returns the records. Sockets end a tick or more after the peer's exit, hence the wait.
   */
  settle(options?: { quietMs?: number; timeoutMs?: number }): Promise<ConnectionRecord[]>
  /** Closes both listeners and destroys the connections still open. Idempotent. */
  close(): Promise<void>
}

interface Tracked {
  record: ConnectionRecord
  /** Marks the ending once; later events do not overwrite the first one. */
  end(ending: Exclude<ConnectionEnding, 'open'>, errorCode?: string): void
}

const RESET_CODES = new Set(['ECONNRESET', 'EPIPE'])

/**
 * Starts an observer: HTTP and HTTPS on 127.0.0.1 that answer
 * `GET /json` (`{"ok":true,"n":<count>}`), `GET /slow?ms=N` (the same JSON after N ms),
 * `GET /large?bytes=N` (a JSON document of about N bytes) and `GET /status?code=N` (that status,
 * a JSON body), and record for every connection how it ended. HTTPS connections are accepted with a plain `net` server and wrapped in a
 * `tls.TLSSocket` over a pass-through stream, so the raw TCP end and the TLS end are seen
 * separately: a TLS `'end'` BEFORE the raw `'end'` means the peer sent close_notify.
 *
 * @example
 * ```ts
 * const observer = await startObserver({ keepAliveTimeout: 60_000 })
 * // ... a child process requests observer.httpsOrigin + '/json' and exits ...
 * const records = await observer.settle()
 * console.log(records.map((r) => r.ending)) // ['fin']
 * await observer.close()
 * ```
 */
export async function startObserver(options: ObserverOptions = {}): Promise<Observer> {
  const keepAliveTimeout = options.keepAliveTimeout ?? 60_000
  if (!Number.isInteger(keepAliveTimeout) || keepAliveTimeout < 0) {
    throw new RangeError(
      `startObserver: keepAliveTimeout must be a non-negative integer of ms, got ${String(keepAliveTimeout)}`,
    )
  }
  const { cert, key } = await createCertificate()
  const events = new EventEmitter<{ request: [path: string] }>()
  const tracked: Tracked[] = []
  const seenPaths = new Set<string>()
  const live = new Set<net.Socket>()
  let lastResponse: number | undefined
  let changedAt = Date.now()
  let count = 0

  const track = (socket: net.Socket, protocol: 'http' | 'https'): Tracked => {
    const record: ConnectionRecord = {
      id: tracked.length + 1,
      protocol,
      remotePort: socket.remotePort ?? 0,
      ending: 'open',
      acceptedAt: Date.now(),
      endedAt: undefined,
      msAfterAccept: undefined,
      lastResponseAt: undefined,
      msAfterLastResponse: undefined,
      requests: 0,
      responses: 0,
      tlsCloseNotify: undefined,
      errorCode: undefined,
    }
    const entry: Tracked = {
      record,
      end(ending, errorCode) {
        if (record.ending !== 'open') return
        const now = Date.now()
        changedAt = now
        record.ending = ending
        record.errorCode = errorCode
        record.endedAt = now
        record.msAfterAccept = now - record.acceptedAt
        if (record.lastResponseAt !== undefined) {
          record.msAfterLastResponse = now - record.lastResponseAt
        }
      },
    }
    tracked.push(entry)
    changedAt = Date.now()
    live.add(socket)
    socket.once('close', () => {
      live.delete(socket)
      // Closed with neither an end nor a reset from the peer: the server closed it.
      entry.end('server')
    })
    return entry
  }

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://observer')
    seenPaths.add(url.pathname)
    events.emit('request', url.pathname)
    const entry = (req.socket as SocketWithEntry)[ENTRY]
    if (entry) entry.record.requests++
    res.once('finish', () => {
      const now = Date.now()
      lastResponse = now
      changedAt = now
      if (entry) {
        entry.record.responses++
        entry.record.lastResponseAt = now
      }
    })
    respond(url, res, () => ++count)
  })
  server.keepAliveTimeout = keepAliveTimeout
  // Node's headersTimeout must exceed keepAliveTimeout or idle sockets are cut early.
  server.headersTimeout = keepAliveTimeout + 1000
  server.requestTimeout = 0

  const plain = net.createServer((socket) => {
    const entry = track(socket, 'http')
    ;(socket as SocketWithEntry)[ENTRY] = entry
    socket.on('end', () => entry.end('fin'))
    socket.on('error', (error: NodeJS.ErrnoException) => onError(entry, error))
    server.emit('connection', socket)
  })

  const secure = net.createServer((raw) => {
    const entry = track(raw, 'https')
    let tlsEnded = false
    const pipe = passThrough(raw, () => {
      // The TLS side is done. After the peer's close_notify its FIN is on the way: wait for it.
      if (!tlsEnded) entry.end('server')
    })
    raw.on('end', () => {
      // A close_notify makes the TLS layer end before the TCP FIN is read.
      entry.record.tlsCloseNotify = tlsEnded
      entry.end('fin')
    })
    raw.on('error', (error: NodeJS.ErrnoException) => onError(entry, error))
    const socket = new tls.TLSSocket(pipe, { isServer: true, cert, key })
    ;(socket as SocketWithEntry)[ENTRY] = entry
    socket.on('end', () => {
      tlsEnded = true
    })
    socket.on('error', (error: NodeJS.ErrnoException) => onError(entry, error))
    socket.once('secure', () => server.emit('connection', socket))
  })

  const listen = async (listener: net.Server): Promise<number> => {
    listener.listen(0, '127.0.0.1')
    await once(listener, 'listening')
    return (listener.address() as net.AddressInfo).port
  }
  const [httpPort, httpsPort] = await Promise.all([listen(plain), listen(secure)])

  const snapshot = (): ConnectionRecord[] => tracked.map((t) => ({ ...t.record }))
  let closing: Promise<void> | undefined

  return {
    httpOrigin: `http://127.0.0.1:${httpPort}`,
    httpsOrigin: `https://127.0.0.1:${httpsPort}`,
    ca: cert,
    events,
    connections: snapshot,
    lastResponseAt: () => lastResponse,
    async waitForRequest(path, timeoutMs = 10_000) {
      if (seenPaths.has(path)) return
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => {
          events.off('request', onRequest)
          reject(new Error(`observer: no request for ${path} within ${timeoutMs} ms`))
        }, timeoutMs)
        const onRequest = (seen: string): void => {
          if (seen !== path) return
          clearTimeout(timer)
          events.off('request', onRequest)
          resolve()
        }
        events.on('request', onRequest)
      })
    },
    async settle({ quietMs = 150, timeoutMs = 2000 } = {}) {
      const started = Date.now()
      const deadline = started + timeoutMs
      while (Date.now() < deadline) {
        const open = tracked.some((t) => t.record.ending === 'open')
        if (!open || Date.now() - Math.max(changedAt, started) >= quietMs) break
        await new Promise((resolve) => setTimeout(resolve, 25))
      }
      return snapshot()
    },
    close() {
      closing ??= (async () => {
        const closed = [plain, secure].map(
          (listener) => new Promise<void>((resolve) => listener.close(() => resolve())),
        )
        for (const socket of live) socket.destroy()
        server.close()
        await Promise.all(closed)
      })()
      return closing
    },
  }
}

const ENTRY = Symbol('observer.entry')
type SocketWithEntry = net.Socket & { [ENTRY]?: Tracked }

function onError(entry: Tracked, error: NodeJS.ErrnoException): void {
  const code = error.code ?? 'ERROR'
  if (RESET_CODES.has(code)) entry.end('rst', code)
}

/**
 * A Duplex over the raw socket: handing `tls.TLSSocket` a non-`net.Socket` stream keeps the raw
 * socket's own `'end'` observable (given a `net.Socket`, TLS takes over its handle and the raw
 * `'end'` never fires).
 */
function passThrough(raw: net.Socket, onDone: () => void): Duplex {
  const pipe = new Duplex({
    read() {
      raw.resume()
    },
    write(chunk: Buffer, _encoding, callback) {
      if (raw.destroyed) callback()
      else raw.write(chunk, () => callback())
    },
    final(callback) {
      raw.end()
      callback()
    },
    destroy(error, callback) {
      onDone()
      if (error || raw.readableEnded) raw.destroy()
      else {
        raw.end()
        setTimeout(() => raw.destroy(), 2000).unref()
      }
      callback(error)
    },
  })
  raw.on('data', (chunk: Buffer) => {
    if (!pipe.push(chunk)) raw.pause()
  })
  raw.on('end', () => pipe.push(null))
  raw.on('close', () => pipe.destroy())
  return pipe
}

function respond(url: URL, res: http.ServerResponse, next: () => number): void {
  const json = (body: unknown): void => {
    const text = JSON.stringify(body)
    res.writeHead(200, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(text),
    })
    res.end(text)
  }
  if (url.pathname === '/json') {
    json({ ok: true, n: next() })
  } else if (url.pathname === '/slow') {
    const ms = clampInt(url.searchParams.get('ms'), 1000, 0, 60_000)
    const timer = setTimeout(() => {
      if (!res.destroyed) json({ ok: true, n: next(), sleptMs: ms })
    }, ms)
    res.once('close', () => clearTimeout(timer))
  } else if (url.pathname === '/large') {
    const bytes = clampInt(url.searchParams.get('bytes'), 1 << 20, 0, 64 << 20)
    const text = JSON.stringify({ ok: true, n: next(), data: 'x'.repeat(bytes) })
    res.writeHead(200, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(text),
    })
    res.end(text)
  } else if (url.pathname === '/status') {
    const status = clampInt(url.searchParams.get('code'), 503, 200, 599)
    const text = JSON.stringify({ ok: status < 400, n: next(), status })
    res.writeHead(status, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(text),
    })
    res.end(text)
  } else {
    res.writeHead(404, { 'content-type': 'application/json' })
    res.end(
      JSON.stringify({ error: `no route ${url.pathname}; try /json, /slow, /large or /status` }),
    )
  }
}

function clampInt(value: string | null, fallback: number, min: number, max: number): number {
  if (value === null) return fallback
  const n = Number(value)
  if (!Number.isInteger(n)) return fallback
  return Math.min(max, Math.max(min, n))
}
