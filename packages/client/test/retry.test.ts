import type { Socket } from 'node:net'
import { fileURLToPath } from 'node:url'
import { runNode, startServer, type TestServer, waitFor } from '@foo/testkit'
import { afterAll, afterEach, beforeAll, describe, expect, it, onTestFinished, vi } from 'vitest'
import { Client, ClientError, HttpError } from '../src/index.js'
import { backoffDelay, parseRetryAfter } from '../src/retry.js'
import { expectClientError, failOnUnhandledRejections } from './helpers/expect.js'

failOnUnhandledRejections()

let server: TestServer
/** Requests seen per path. */
const hits = new Map<string, number>()
const fast = { limit: 3, minDelay: 1, maxDelay: 20 }

beforeAll(async () => {
  server = await startServer({
    handler: (req, res) => {
      req.resume()
      const path = (req.url ?? '').split('?')[0] as string
      const n = (hits.get(path) ?? 0) + 1
      hits.set(path, n)
      const socket = req.socket as Socket
      const json = (status: number, body: unknown, headers: Record<string, string> = {}) => {
        res.writeHead(status, { 'content-type': 'application/json', ...headers })
        res.end(JSON.stringify(body))
      }
      req.on('end', () => {
        switch (path) {
          case '/flaky-503':
          case '/flaky-503-child':
            return n < 3 ? json(503, { n }) : json(200, { n })
          case '/always-503':
          case '/always-429':
            return json(path === '/always-429' ? 429 : 503, { n })
          case '/retry-after-long':
            return n < 2 ? json(503, { n }, { 'retry-after': '30' }) : json(200, { n })
          case '/retry-after-forever':
            return json(503, { n }, { 'retry-after': '30' })
          case '/reset-first':
            if (n === 1) return socket.resetAndDestroy()
            return json(200, { n })
          case '/reset-always':
            return socket.resetAndDestroy()
          case '/close-second':
            // First request answers on a keep-alive socket; the second, arriving on that
            // reused socket, is dropped without a byte (the idle-close race, made certain).
            if (n === 2) return socket.destroy()
            return json(200, { n, port: socket.remotePort })
          case '/partial-second':
            if (n === 2) {
              socket.write('HTTP/1.1 200 OK\r\ncontent-')
              return setTimeout(() => socket.destroy(), 20)
            }
            return json(200, { n })
          default:
            return json(200, { n })
        }
      })
    },
  })
})

afterEach(() => {
  hits.clear()
})

afterAll(async () => {
  await server.close()
})

/**
 * Lets undici park the socket as idle. Right after a response, undici 7.30 validates an idle
 * socket for one loop turn before reuse (GHSA-35p6-xmwp-9g52), and a request sent meanwhile
 * goes out on a new connection.
 */
const parked = () => new Promise((resolve) => setTimeout(resolve, 20))

function client(retry: number | typeof fast = fast): Client {
  return new Client({ baseUrl: server.origin, retry })
}

describe('retries on status', () => {
  it('retries an idempotent GET on 503 until it succeeds', async () => {
    const c = client()
    onTestFinished(() => c.destroy())
    expect(await c.get('/flaky-503')).toEqual({ n: 3 })
    expect(hits.get('/flaky-503')).toBe(3)
  })

  it('stops after the limit and rejects with the last HttpError', async () => {
    const c = client({ limit: 2, minDelay: 1, maxDelay: 5 })
    onTestFinished(() => c.destroy())
    const error = await expectClientError(c.get('/always-429'), HttpError, 'FOO_ERR_HTTP')
    expect(error.status).toBe(429)
    expect(hits.get('/always-429')).toBe(3)
  })

  it.each(['put', 'delete'] as const)('retries %s (idempotent)', async (method) => {
    const c = client()
    onTestFinished(() => c.destroy())
    await c[method]('/flaky-503')
    expect(hits.get('/flaky-503')).toBe(3)
  })

  it.each(['post', 'patch'] as const)('never retries %s on a status', async (method) => {
    const c = client()
    onTestFinished(() => c.destroy())
    await expectClientError(c[method]('/always-503', { body: {} }), HttpError, 'FOO_ERR_HTTP')
    expect(hits.get('/always-503')).toBe(1)
  })

  it('does not retry by default', async () => {
    const c = new Client({ baseUrl: server.origin })
    onTestFinished(() => c.destroy())
    await expectClientError(c.get('/always-503'), HttpError, 'FOO_ERR_HTTP')
    expect(hits.get('/always-503')).toBe(1)
  })

  it('honours Retry-After but caps it at maxDelay', async () => {
    const c = client({ limit: 1, minDelay: 1, maxDelay: 50 })
    onTestFinished(() => c.destroy())
    const started = Date.now()
    expect(await c.get('/retry-after-long')).toEqual({ n: 2 })
    // Retry-After said 30 s; maxDelay 50 ms wins (generous bound for a shared machine).
    expect(Date.now() - started).toBeLessThan(10_000)
  })
})

describe('retries on connection resets', () => {
  it('retries a GET reset before any response', async () => {
    const c = client()
    onTestFinished(() => c.destroy())
    expect(await c.get('/reset-first')).toEqual({ n: 2 })
  })

  it('gives up with FOO_ERR_CONNECTION after the limit', async () => {
    const c = client({ limit: 2, minDelay: 1, maxDelay: 5 })
    onTestFinished(() => c.destroy())
    await expectClientError(c.get('/reset-always'), ClientError, 'FOO_ERR_CONNECTION')
    expect(hits.get('/reset-always')).toBe(3)
  })

  it('never retries a POST reset on a fresh connection', async () => {
    const c = client()
    onTestFinished(() => c.destroy())
    await expectClientError(c.post('/reset-first', { body: {} }), ClientError, 'FOO_ERR_CONNECTION')
    expect(hits.get('/reset-first')).toBe(1)
  })

  it('never replays a POST dropped on a reused keep-alive socket: the server may have acted on it', async () => {
    const c = client()
    onTestFinished(() => c.destroy())
    const first = await c.post<{ n: number; port: number }>('/close-second', { body: {} })
    expect(first.n).toBe(1)
    await parked()
    await expectClientError(
      c.post('/close-second', { body: {} }),
      ClientError,
      'FOO_ERR_CONNECTION',
    )
    expect(hits.get('/close-second')).toBe(2)
  })

  it('does not retry that POST without a retry budget', async () => {
    const c = client(0)
    onTestFinished(() => c.destroy())
    await c.post('/close-second', { body: {} })
    await parked()
    await expectClientError(
      c.post('/close-second', { body: {} }),
      ClientError,
      'FOO_ERR_CONNECTION',
    )
  })

  it('does not retry a POST once response bytes arrived on the reused socket', async () => {
    const c = client()
    onTestFinished(() => c.destroy())
    await c.post('/partial-second', { body: {} })
    await parked()
    await expect(c.post('/partial-second', { body: {} })).rejects.toMatchObject({
      code: expect.stringMatching(/FOO_ERR_(CONNECTION|TRUNCATED_BODY)/),
    })
    expect(hits.get('/partial-second')).toBe(2)
  })
})

describe('backoff timers', () => {
  it('destroy() during a 30 s Retry-After backoff rejects the waiting call at once', async () => {
    const c = client({ limit: 1, minDelay: 1, maxDelay: 60_000 })
    onTestFinished(() => c.destroy())
    const pending = c.get('/retry-after-forever')
    await waitFor('the first attempt', () => (hits.get('/retry-after-forever') ?? 0) >= 1)
    const outcome = expectClientError(pending, ClientError, 'FOO_ERR_DESTROYED')
    const started = performance.now()
    c.destroy()
    await outcome
    // Generous: the point is "not after the 30 s backoff".
    expect(performance.now() - started).toBeLessThan(10_000)
    expect(hits.get('/retry-after-forever')).toBe(1)
  })

  it('a program awaiting a retried call ends with its result, not exit code 13', async () => {
    const script = [
      "import { Client } from '@foo/client'",
      'const api = new Client({ baseUrl: process.argv[1], retry: { limit: 2, minDelay: 200, maxDelay: 300 } })',
      "console.log(JSON.stringify(await api.get('/flaky-503-child')))",
    ].join('\n')
    // Async: the server answering the child runs in this process.
    const child = await runNode(['--input-type=module', '-e', script, server.origin], {
      cwd: fileURLToPath(new URL('..', import.meta.url)),
      timeoutMs: 20_000,
    })
    expect(child.stderr).toBe('')
    expect(child.code).toBe(0)
    expect(JSON.parse(child.stdout)).toEqual({ n: 3 })
  })

  it('are cleared by close(): the waiting call rejects with FOO_ERR_CLOSED at once', async () => {
    const c = client({ limit: 1, minDelay: 1, maxDelay: 60_000 })
    onTestFinished(() => c.destroy())
    const pending = c.get('/retry-after-forever')
    await waitFor('the first attempt', () => (hits.get('/retry-after-forever') ?? 0) >= 1)
    const started = Date.now()
    const outcome = expectClientError(pending, ClientError, 'FOO_ERR_CLOSED')
    await c.close()
    await outcome
    expect(Date.now() - started).toBeLessThan(5_000)
    expect(hits.get('/retry-after-forever')).toBe(1)
  })

  it("are cleared by the call's signal: FOO_ERR_ABORTED", async () => {
    const c = client({ limit: 1, minDelay: 1, maxDelay: 60_000 })
    onTestFinished(() => c.destroy())
    const controller = new AbortController()
    const pending = c.get('/retry-after-forever', { signal: controller.signal })
    await waitFor('the first attempt', () => (hits.get('/retry-after-forever') ?? 0) >= 1)
    const outcome = expectClientError(pending, ClientError, 'FOO_ERR_ABORTED')
    controller.abort()
    await outcome
  })
})

describe('backoffDelay', () => {
  it('is full jitter: random(0, min(maxDelay, minDelay * 2^attempt))', () => {
    const random = vi.spyOn(Math, 'random')
    random.mockReturnValue(0.999999)
    expect(backoffDelay(0, 100, 10_000, undefined)).toBe(99)
    expect(backoffDelay(3, 100, 10_000, undefined)).toBe(799)
    expect(backoffDelay(20, 100, 10_000, undefined)).toBe(9999)
    random.mockReturnValue(0)
    expect(backoffDelay(3, 100, 10_000, undefined)).toBe(0)
    random.mockRestore()
  })

  it('uses Retry-After seconds or an HTTP date, capped by maxDelay', () => {
    const now = Date.parse('2026-01-01T00:00:00Z')
    expect(backoffDelay(0, 100, 60_000, '2', now)).toBe(2000)
    expect(backoffDelay(0, 100, 60_000, 'Thu, 01 Jan 2026 00:00:05 GMT', now)).toBe(5000)
    expect(backoffDelay(0, 100, 1000, '120', now)).toBe(1000)
    expect(parseRetryAfter('Wed, 31 Dec 2025 23:59:00 GMT', now)).toBe(0)
    expect(parseRetryAfter('soon', now)).toBeUndefined()
    expect(parseRetryAfter('-1', now)).toBeUndefined()
  })
})
