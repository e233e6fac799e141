import type { IncomingHttpHeaders, RequestListener } from 'node:http'
import zlib from 'node:zlib'
import { type Client, isClientError, isHttpError } from '../../src/index.js'

/** What a case answers, the same bytes from the real server and from every mock. */
export interface Reply {
  status: number
  headers: Record<string, string>
  body: Buffer
}

/** One row of the transport-parity table. */
export interface Case {
  name: string
  method: 'GET' | 'POST' | 'PUT' | 'HEAD'
  path: string
  /** `json`: a JSON method with `withResponse`; `request`: `client.request()` read as text. */
  via: 'json' | 'request'
  body?: () => unknown
  reply: Reply
}

const json = (value: unknown) => Buffer.from(JSON.stringify(value))
const hasZstd = typeof (zlib as { zstdCompressSync?: unknown }).zstdCompressSync === 'function'
const payload = { id: 1, name: 'Ada', tags: ['a', 'b'] }

function encoded(encoding: string, body: Buffer, status = 200): Reply {
  return {
    status,
    headers: {
      'content-type': 'application/json',
      'content-encoding': encoding,
      'x-case': encoding,
    },
    body,
  }
}

/** Responses larger than this fail: the bomb row inflates past it. */
export const tableMaxResponseSize = 64 * 1024

/** The table: every transport must produce the same for each row. */
export const cases: Case[] = [
  {
    name: 'identity JSON',
    method: 'GET',
    path: '/plain',
    via: 'json',
    reply: { status: 200, headers: { 'content-type': 'application/json' }, body: json(payload) },
  },
  {
    name: 'gzip JSON',
    method: 'GET',
    path: '/gzip',
    via: 'json',
    reply: encoded('gzip', zlib.gzipSync(json(payload))),
  },
  {
    name: 'deflate JSON',
    method: 'GET',
    path: '/deflate',
    via: 'json',
    reply: encoded('deflate', zlib.deflateSync(json(payload))),
  },
  {
    name: 'br JSON',
    method: 'GET',
    path: '/br',
    via: 'json',
    reply: encoded('br', zlib.brotliCompressSync(json(payload))),
  },
  ...(hasZstd
    ? [
        {
          name: 'zstd JSON',
          method: 'GET',
          path: '/zstd',
          via: 'json',
          reply: encoded(
            'zstd',
            (zlib as unknown as { zstdCompressSync(b: Buffer): Buffer }).zstdCompressSync(
              json(payload),
            ),
          ),
        } satisfies Case,
      ]
    : []),
  {
    name: 'gzip text via request()',
    method: 'GET',
    path: '/gzip-text',
    via: 'request',
    reply: encoded('gzip', zlib.gzipSync('hello, compressed world')),
  },
  {
    name: 'unknown coding passed on',
    method: 'GET',
    path: '/unknown',
    via: 'request',
    reply: encoded('x-custom', Buffer.from('raw bytes')),
  },
  {
    name: 'gzip error body',
    method: 'GET',
    path: '/gzip-404',
    via: 'json',
    reply: encoded('gzip', zlib.gzipSync(json({ error: 'nope' })), 404),
  },
  {
    name: 'corrupt gzip',
    method: 'GET',
    path: '/corrupt',
    via: 'json',
    reply: encoded('gzip', Buffer.from('this is not gzip at all')),
  },
  {
    name: 'gzip bomb',
    method: 'GET',
    path: '/bomb',
    via: 'json',
    reply: encoded('gzip', zlib.gzipSync(Buffer.alloc(1024 * 1024, 0x20))),
  },
  {
    name: 'JSON body',
    method: 'POST',
    path: '/users',
    via: 'json',
    body: () => ({ name: 'Ada' }),
    reply: { status: 201, headers: { 'content-type': 'application/json' }, body: json({ id: 2 }) },
  },
  {
    name: 'form body',
    method: 'POST',
    path: '/form',
    via: 'json',
    body: () => new URLSearchParams({ a: '1', b: 'x y' }),
    reply: {
      status: 200,
      headers: { 'content-type': 'application/json' },
      body: json({ ok: true }),
    },
  },
  {
    name: 'DataView body',
    method: 'PUT',
    path: '/bytes',
    via: 'request',
    body: () => new DataView(new Uint8Array([1, 2, 3, 4]).buffer, 1, 2),
    reply: { status: 204, headers: {}, body: Buffer.alloc(0) },
  },
  {
    name: 'HEAD keeps headers',
    method: 'HEAD',
    path: '/gzip',
    via: 'request',
    reply: {
      status: 200,
      headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
      body: Buffer.alloc(0),
    },
  },
]

/** What a transport's server (or mock) saw of one request. */
export interface Seen {
  method: string
  path: string
  headers: Record<string, string | string[] | undefined>
  body: string
}

/** The row for `method` `path`, or undefined. */
export function caseFor(method: string, path: string): Case | undefined {
  return cases.find((c) => c.method === method && c.path === path)
}

/** The headers of a row's reply as sent: its own, and the length of its bytes. */
export function replyHeaders(row: Case): Record<string, string> {
  return { ...row.reply.headers, 'content-length': String(row.reply.body.length) }
}

/** A real server answering the table and recording what it saw. */
export function tableHandler(seen: Seen[]): RequestListener {
  return (req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      const path = req.url ?? ''
      seen.push({
        method: req.method ?? '',
        path,
        headers: { ...req.headers },
        body: Buffer.concat(chunks).toString('hex'),
      })
      const row = caseFor(req.method ?? '', path)
      if (row === undefined) {
        res.writeHead(500).end('no such row')
        return
      }
      res.writeHead(row.reply.status, replyHeaders(row))
      res.end(req.method === 'HEAD' ? undefined : row.reply.body)
    })
  }
}

/** The headers a transport adds itself (identical wherever undici writes the request). */
const transportHeaders = new Set(['host', 'connection', 'content-length', 'transfer-encoding'])

/** What the client chose to send: the seen headers without those the transport adds. */
export function chosenHeaders(
  headers: IncomingHttpHeaders | Record<string, string | string[] | undefined>,
): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || transportHeaders.has(name.toLowerCase())) continue
    out[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value)
  }
  return out
}

/** What the caller got from one row, in a form to compare across transports. */
export async function run(client: Client, row: Case): Promise<unknown> {
  const pick = (headers: Record<string, string | string[]>) => ({
    'content-type': headers['content-type'],
    'content-encoding': headers['content-encoding'],
    'content-length':
      row.reply.headers['content-encoding'] === undefined ? undefined : headers['content-length'],
    'x-case': headers['x-case'],
  })
  const options = row.body === undefined ? {} : { body: row.body() }
  try {
    if (row.via === 'request') {
      const res = await client.request({ method: row.method, path: row.path, ...options })
      return { status: res.status, headers: pick(res.headers), text: await res.body.text() }
    }
    const method = row.method.toLowerCase() as 'get' | 'post' | 'put'
    const res = await client[method]<unknown>(row.path, { ...options, withResponse: true })
    return { status: res.status, headers: pick(res.headers), data: res.data }
  } catch (err) {
    if (!isClientError(err)) throw err
    return {
      error: err.code,
      ...(process.env.PARITY_DEBUG ? { message: err.message } : {}),
      ...(isHttpError(err) ? { status: err.status, body: err.body } : {}),
    }
  }
}

/** One way requests leave the client: its own Agent, a MockAgent, nock, msw... */
export interface Transport {
  name: string
  /** A client on this transport (`extra`: options such as `dispatcher`). */
  options?: () => Record<string, unknown>
  /** Let requests through to the real server. */
  passThrough(): void | Promise<void>
  /** Answer every row itself, as the real server would, recording what it saw. */
  answer(origin: string, seen: Seen[]): void | Promise<void>
  /** Undo `passThrough` and `answer`. */
  reset(): void | Promise<void>
}

/** The parts of nock (14 or 15) a parity transport uses. */
interface NockLike {
  activate(): void
  restore(): void
  cleanAll(): void
  enableNetConnect(): void
  disableNetConnect(): void
  (
    origin: string,
  ): {
    persist(): {
      intercept(
        path: () => boolean,
        method: string,
      ): { reply(fn: (this: unknown, ...args: unknown[]) => unknown): unknown }
    }
  }
}

/**
 * nock as a parity transport. `request` reads what a reply function was given: nock 14 passes
 * `(path)` with `this.req`, nock 15 a fetch `Request`.
 */
export function nockTransport(
  nock: NockLike,
  name: string,
  request: (self: unknown, args: unknown[]) => { path: string; headers: Record<string, string> },
): Transport {
  return {
    name,
    passThrough() {
      nock.activate()
      nock.enableNetConnect()
    },
    answer(origin: string, seen: Seen[]) {
      nock.activate()
      nock.disableNetConnect()
      for (const method of ['GET', 'POST', 'PUT', 'HEAD']) {
        nock(origin)
          .persist()
          .intercept(() => true, method)
          // One parameter: nock 15 treats a two-parameter function as callback-style.
          .reply(function (this: unknown, ...args: unknown[]) {
            const { path, headers } = request(this, args)
            const row = caseFor(method, path)
            seen.push({ method, path, headers, body: '' })
            if (row === undefined) return [500, 'no such row']
            return [row.reply.status, method === 'HEAD' ? '' : row.reply.body, replyHeaders(row)]
          })
      }
    },
    reset() {
      nock.cleanAll()
      nock.enableNetConnect()
      nock.restore()
    },
  }
}
