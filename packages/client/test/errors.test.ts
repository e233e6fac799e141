import net from 'node:net'
import { inspect } from 'node:util'
import { startServer, type TestServer, waitFor } from '@foo/testkit'
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest'
import { Client, ClientError, HttpError, isClientError } from '../src/index.js'
import { expectClientError, failOnUnhandledRejections } from './helpers/expect.js'

failOnUnhandledRejections()

const token = 'tok_supersecret_123'
const cookie = 'session=cookiesecret456'
let server: TestServer
let client: Client

/** Paths the server received, in order: what a test waits for instead of sleeping. */
const arrived: string[] = []
const atServer = (path: string) => waitFor(`${path} at the server`, () => arrived.includes(path))

beforeAll(async () => {
  server = await startServer({
    handler: (req, res) => {
      const path = (req.url ?? '').split('?')[0]?.replace(/^\/v1/, '')
      arrived.push(path ?? '')
      if (path === '/never') return // no answer: the client gives up
      if (path === '/stall-body') {
        res.writeHead(200, { 'content-type': 'application/json' })
        res.write('{"a":')
        return
      }
      if (path === '/huge-error') {
        res.writeHead(500, { 'content-type': 'text/plain' })
        res.end('E'.repeat(100_000))
        return
      }
      if (path === '/slow-body') {
        res.writeHead(200, { 'content-type': 'application/json' })
        res.write('{"slow":')
        setTimeout(() => res.end('"body"}'), 100)
        return
      }
      if (path === '/slow') {
        setTimeout(() => res.end('{"slow":true}'), 100)
        return
      }
      res.writeHead(404, {
        'content-type': 'application/json',
        'set-cookie': 'sid=servercookie789',
        'x-request-id': 'r1',
      })
      res.end('{"error":"no such user"}')
    },
  })
  client = new Client({
    baseUrl: `${server.origin}/v1`,
    headers: { authorization: `Bearer ${token}`, cookie, 'x-api-key': token },
    secretParams: ['api_key', 'sig'],
  })
})

afterAll(async () => {
  await client.close()
  await server.close()
})

describe('HttpError', () => {
  it('carries status, method, URL, headers and body, with the message users grep for', async () => {
    const error = await expectClientError(
      client.get('/users/{id}', { params: { id: 1 } }),
      HttpError,
      'FOO_ERR_HTTP',
    )
    expect(error.message).toBe(`GET ${server.origin}/v1/users/1 responded 404 Not Found`)
    expect(error.name).toBe('HttpError')
    expect(error.status).toBe(404)
    expect(error.method).toBe('GET')
    expect(error.url).toBe(`${server.origin}/v1/users/1`)
    expect(error.headers['x-request-id']).toBe('r1')
    expect(error.headers['set-cookie']).toBe('[REDACTED]')
    expect(error.body).toBe('{"error":"no such user"}')
    expect(error).toBeInstanceOf(ClientError)
    expect(error).toBeInstanceOf(Error)
  })

  it('keeps only the first 4 KiB of the body', async () => {
    const error = await expectClientError(client.get('/huge-error'), HttpError, 'FOO_ERR_HTTP')
    expect(error.status).toBe(500)
    expect(error.body).toBe('E'.repeat(4096))
    expect(await client.get('/users/1').catch((e: HttpError) => e.status)).toBe(404)
  })

  it('redacts secret query params and never shows credentials in message, inspect or JSON', async () => {
    const error = await expectClientError(
      client.get('/users/1', { query: { api_key: token, sig: 'abc', page: 2 } }),
      HttpError,
      'FOO_ERR_HTTP',
    )
    expect(error.url).toBe(`${server.origin}/v1/users/1?api_key=[REDACTED]&sig=[REDACTED]&page=2`)
    for (const view of [
      error.message,
      String(error),
      inspect(error),
      JSON.stringify(error),
      error.stack ?? '',
    ]) {
      expect(view).not.toContain(token)
      expect(view).not.toContain('cookiesecret456')
      expect(view).not.toContain('servercookie789')
      expect(view).not.toContain('abc')
    }
    expect(JSON.parse(JSON.stringify(error))).toMatchObject({
      name: 'HttpError',
      code: 'FOO_ERR_HTTP',
      status: 404,
      method: 'GET',
    })
  })

  it('strips userinfo from the URL', async () => {
    const c = new Client({ baseUrl: server.origin.replace('http://', 'http://alice:pw123@') })
    onTestFinished(() => c.destroy())
    const error = await expectClientError(c.get('/users/1'), HttpError, 'FOO_ERR_HTTP')
    expect(error.url).toBe(`${server.origin}/users/1`)
    expect(inspect(error)).not.toContain('pw123')
    expect(inspect(c)).not.toContain('pw123')
  })
})

describe('the client never shows its secrets', () => {
  it('in util.inspect, String() and JSON', () => {
    for (const view of [
      inspect(client),
      inspect(client, { depth: 10, showHidden: true }),
      String(client),
      JSON.stringify(client),
    ]) {
      expect(view).not.toContain(token)
      expect(view).not.toContain('cookiesecret456')
    }
    expect(inspect(client)).toContain('[REDACTED]')
    expect(String(client)).toBe(`Client(${server.origin}/v1)`)
  })

  it('shows the subclass name', () => {
    class Api extends Client {}
    const api = new Api({ baseUrl: server.origin })
    expect(inspect(api).startsWith('Api {')).toBe(true)
    expect(String(api)).toBe(`Api(${server.origin}/)`)
    api.destroy()
  })
})

describe('isClientError', () => {
  it('recognises errors by brand, also from another copy of the package', () => {
    expect(isClientError(new ClientError('FOO_ERR_TIMEOUT', 'x'))).toBe(true)
    expect(isClientError(new Error('x'))).toBe(false)
    expect(isClientError(null)).toBe(false)
    expect(isClientError('FOO_ERR_TIMEOUT')).toBe(false)
    const fromOtherCopy = { code: 'FOO_ERR_HTTP', [Symbol.for('@foo/client.error')]: true }
    expect(isClientError(fromOtherCopy)).toBe(true)
  })
})

describe('timeouts and aborts are distinguishable', () => {
  it('a server that never answers: FOO_ERR_TIMEOUT naming the deadline', async () => {
    const error = await expectClientError(
      client.get('/never', { timeout: 100 }),
      ClientError,
      'FOO_ERR_TIMEOUT',
    )
    expect(error.message).toContain('timed out after 100 ms')
  })

  it('a body that stalls: FOO_ERR_TIMEOUT (the deadline covers the body)', async () => {
    await expectClientError(
      client.get('/stall-body', { timeout: 150 }),
      ClientError,
      'FOO_ERR_TIMEOUT',
    )
  })

  it('a body that stalls in request(): FOO_ERR_TIMEOUT while reading', async () => {
    const res = await client.request({ method: 'GET', path: '/stall-body', timeout: 150 })
    await expectClientError(res.body.text(), ClientError, 'FOO_ERR_TIMEOUT')
  })

  it('the caller aborts: FOO_ERR_ABORTED with the signal reason as cause', async () => {
    const controller = new AbortController()
    const pending = client.get('/never', { signal: controller.signal })
    const outcome = expectClientError(pending, ClientError, 'FOO_ERR_ABORTED')
    arrived.length = 0
    await atServer('/never')
    controller.abort(new Error('user gave up'))
    const error = await outcome
    expect((error.cause as Error).message).toBe('user gave up')
  })

  it('an already aborted signal: FOO_ERR_ABORTED, nothing sent', async () => {
    const before = server.accepted()
    await expectClientError(
      client.get('/users/1', { signal: AbortSignal.abort() }),
      ClientError,
      'FOO_ERR_ABORTED',
    )
    expect(server.accepted()).toBe(before)
  })
})

describe('connection failures', () => {
  it('connection refused: FOO_ERR_CONNECTION with the cause', async () => {
    const port = await freePort()
    const c = new Client({ baseUrl: `http://127.0.0.1:${port}` })
    onTestFinished(() => c.destroy())
    const error = await expectClientError(c.get('/'), ClientError, 'FOO_ERR_CONNECTION')
    expect((error.cause as { code?: string }).code).toBe('ECONNREFUSED')
    expect(error.message).toContain(`GET http://127.0.0.1:${port}/ failed: ECONNREFUSED`)
  })
})

describe('close() and destroy() with requests in flight', () => {
  it('close() lets an in-flight request finish, then rejects new ones', async () => {
    const c = new Client({ baseUrl: server.origin })
    onTestFinished(() => c.destroy())
    arrived.length = 0
    const pending = c.get('/slow')
    await atServer('/slow')
    const closing = c.close()
    await expectClientError(c.get('/slow'), ClientError, 'FOO_ERR_CLOSED')
    expect(await pending).toEqual({ slow: true })
    await closing
  })

  it('destroy() fails an in-flight request with FOO_ERR_DESTROYED', async () => {
    const c = new Client({ baseUrl: server.origin })
    onTestFinished(() => c.destroy())
    arrived.length = 0
    const pending = c.get('/never')
    const outcome = expectClientError(pending, ClientError, 'FOO_ERR_DESTROYED')
    await atServer('/never')
    c.destroy()
    await outcome
  })

  it('close() dumps a body nobody reads, so it does not hang', async () => {
    const c = new Client({ baseUrl: server.origin })
    onTestFinished(() => c.destroy())
    const res = await c.request({ method: 'GET', path: '/stall-body' })
    expect(res.status).toBe(200)
    await c.close()
    expect(c.closed).toBe(true)
  })

  it('close() lets a body that is being read finish', async () => {
    const c = new Client({ baseUrl: server.origin })
    onTestFinished(() => c.destroy())
    const res = await c.request({ method: 'GET', path: '/slow-body' })
    const text = res.body.text()
    await c.close()
    expect(await text).toBe('{"slow":"body"}')
  })

  it('await using closes the client', async () => {
    let escaped: Client | undefined
    {
      await using c = new Client({ baseUrl: server.origin })
      escaped = c
      await c.get('/slow')
    }
    expect(escaped.closed).toBe(true)
  })
})

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo
      probe.close(() => resolve(port))
    })
  })
}
