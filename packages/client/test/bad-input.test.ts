import type { Socket } from 'node:net'
import { startServer, type TestServer } from '@foo/testkit'
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest'
import { Client, ClientError } from '../src/index.js'
import { expectClientError, expectThrows, failOnUnhandledRejections } from './helpers/expect.js'

failOnUnhandledRejections()

let server: TestServer
let client: Client
let requests = 0
const big = 'x'.repeat(64 * 1024)

beforeAll(async () => {
  server = await startServer({
    handler: (req, res) => {
      requests++
      const socket = req.socket as Socket
      switch (req.url) {
        case '/not-json':
          res.setHeader('content-type', 'application/json')
          res.end(`<html>${'oops '.repeat(200)}</html>`)
          return
        case '/lying-length':
          // Promise 100 bytes, send 10, then end the connection.
          res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' })
          res.write('{"a":12345')
          setTimeout(() => socket.end(), 20)
          return
        case '/reset-mid-body':
          res.writeHead(200, { 'content-type': 'application/json' })
          res.write('{"a":[1,2,3,')
          setTimeout(() => socket.resetAndDestroy(), 20)
          return
        case '/reset-before':
          socket.resetAndDestroy()
          return
        case '/big-declared':
          res.writeHead(200, {
            'content-type': 'application/json',
            'content-length': 3 * big.length + 2,
          })
          res.end(`"${big.repeat(3)}"`)
          return
        case '/big-chunked':
          res.writeHead(200, { 'content-type': 'application/json' })
          for (let i = 0; i < 8; i++) res.write(i === 0 ? `"${big}` : big)
          res.end('"')
          return
        default:
          res.setHeader('content-type', 'application/json')
          res.end('{"ok":true}')
      }
    },
  })
  client = new Client({ baseUrl: server.origin, maxResponseSize: 128 * 1024 })
})

afterAll(async () => {
  await client.close()
  await server.close()
})

describe('constructor options', () => {
  it.each([
    ['no options', undefined],
    ['no baseUrl', {}],
    ['a relative baseUrl', { baseUrl: '/api' }],
    ['garbage', { baseUrl: 'not a url' }],
    ['ftp', { baseUrl: 'ftp://example.com' }],
    ['a query in baseUrl', { baseUrl: 'https://example.com/?a=1' }],
    ['a fragment in baseUrl', { baseUrl: 'https://example.com/#x' }],
    ['a number baseUrl', { baseUrl: 42 }],
    ['an unknown option', { baseUrl: 'https://example.com', rejectUnauthorized: false }],
    ['a negative timeout', { baseUrl: 'https://example.com', timeout: -1 }],
    ['a zero timeout', { baseUrl: 'https://example.com', timeout: 0 }],
    ['a fractional retry', { baseUrl: 'https://example.com', retry: 1.5 }],
    ['a retry without limit', { baseUrl: 'https://example.com', retry: {} }],
    [
      'maxDelay < minDelay',
      { baseUrl: 'https://example.com', retry: { limit: 1, minDelay: 10, maxDelay: 1 } },
    ],
    ['a string retry', { baseUrl: 'https://example.com', retry: '3' }],
    ['a non-dispatcher', { baseUrl: 'https://example.com', dispatcher: {} }],
    [
      'Infinity maxResponseSize',
      { baseUrl: 'https://example.com', maxResponseSize: Number.POSITIVE_INFINITY },
    ],
    ['negative maxRedirections', { baseUrl: 'https://example.com', maxRedirections: -1 }],
    ['secretParams not an array', { baseUrl: 'https://example.com', secretParams: 'token' }],
    ['ca of the wrong type', { baseUrl: 'https://example.com', ca: 42 }],
    ['an empty ca list', { baseUrl: 'https://example.com', ca: [] }],
    [
      'a CRLF default header',
      { baseUrl: 'https://example.com', headers: { 'x-a': 'b\r\nx-evil: 1' } },
    ],
    ['a bad header name', { baseUrl: 'https://example.com', headers: { 'x a': 'b' } }],
    [
      'a __proto__ header (from JSON.parse)',
      { baseUrl: 'https://example.com', headers: JSON.parse('{"__proto__": "x"}') },
    ],
    ['headers as an array', { baseUrl: 'https://example.com', headers: [['a', 'b']] }],
  ])('rejects %s with FOO_ERR_INVALID_ARGUMENT', async (_name, options) => {
    const error = await expectThrows(
      () => new Client(options as never),
      ClientError,
      'FOO_ERR_INVALID_ARGUMENT',
    )
    expect(error.message.length).toBeGreaterThan(20)
  })

  it('says how to fix a missing baseUrl', async () => {
    const error = await expectThrows(
      () => new Client({} as never),
      ClientError,
      'FOO_ERR_INVALID_ARGUMENT',
    )
    expect(error.message).toMatch(/baseUrl is required.*https:\/\/api\.example\.com/)
  })

  it('accepts a URL object and userinfo (moved to an Authorization header)', () => {
    const c = new Client({ baseUrl: new URL('https://user:pass@example.com/v1') })
    onTestFinished(() => c.destroy())
    expect(String(c)).toBe('Client(https://example.com/v1)')
    c.destroy()
  })
})

describe('headers are validated before anything is sent', () => {
  it.each([
    ['CR LF in a value', { 'x-a': 'b\r\nx-injected: 1' }],
    ['LF alone in a value', { 'x-a': 'b\nc' }],
    ['NUL in a value', { 'x-a': 'b\0c' }],
    ['another control character in a value', { 'x-a': 'b\u0001c' }],
    ['DEL in a value', { 'x-a': 'b\u007fc' }],
    ['a character above U+00FF in a value', { 'x-a': 'snow\u2603' }],
    ['CR LF in a name', { 'x-a\r\nx-b': 'c' }],
    ['a space in a name', { 'x a': 'c' }],
    ['a colon in a name', { 'x:a': 'c' }],
    ['an empty name', { '': 'c' }],
    ['an object value', { 'x-a': {} }],
    ['CR in an array value', { 'x-a': ['ok', 'b\rc'] }],
  ])('rejects %s', async (_name, headers) => {
    const before = requests
    await expectClientError(
      client.get('/', { headers: headers as never }),
      ClientError,
      'FOO_ERR_INVALID_ARGUMENT',
    )
    expect(requests).toBe(before)
  })
})

describe('per-request options', () => {
  it.each([
    ['options not an object', 'nope'],
    ['a zero timeout', { timeout: 0 }],
    ['a signal that is not an AbortSignal', { signal: {} }],
    ['a BigInt body', { body: { n: 1n } }],
    [
      'a cyclic body',
      {
        body: (() => {
          const a: Record<string, unknown> = {}
          a.self = a
          return a
        })(),
      },
    ],
    ['a function body', { body: () => 1 }],
  ])('rejects %s', async (_name, options) => {
    await expectClientError(
      client.post('/', options as never),
      ClientError,
      'FOO_ERR_INVALID_ARGUMENT',
    )
  })

  it.each([undefined, '', 'GE T', 'GET\r\n'])('request() rejects method %j', async (method) => {
    await expectClientError(
      client.request({ method: method as never, path: '/' }),
      ClientError,
      'FOO_ERR_INVALID_ARGUMENT',
    )
  })

  it('a tab inside a header value is allowed', async () => {
    expect(await client.get('/', { headers: { 'x-a': 'b\tc' } })).toEqual({ ok: true })
  })

  it('request() rejects a missing init', async () => {
    await expectClientError(
      client.request(undefined as never),
      ClientError,
      'FOO_ERR_INVALID_ARGUMENT',
    )
  })
})

describe('bad responses', () => {
  it('non-JSON where JSON was expected: FOO_ERR_INVALID_JSON with a bounded snippet', async () => {
    const error = await expectClientError(
      client.get('/not-json'),
      ClientError,
      'FOO_ERR_INVALID_JSON',
    )
    expect(error.message).toContain(`GET ${server.origin}/not-json`)
    expect(error.message).toContain('<html>oops')
    expect(error.message.length).toBeLessThan(600)
  })

  it('a body shorter than its Content-Length: FOO_ERR_TRUNCATED_BODY', async () => {
    await expectClientError(client.get('/lying-length'), ClientError, 'FOO_ERR_TRUNCATED_BODY')
  })

  it('a reset mid-body: FOO_ERR_TRUNCATED_BODY', async () => {
    await expectClientError(client.get('/reset-mid-body'), ClientError, 'FOO_ERR_TRUNCATED_BODY')
  })

  it('a reset mid-body while streaming request(): FOO_ERR_TRUNCATED_BODY', async () => {
    const res = await client.request({ method: 'GET', path: '/reset-mid-body' })
    await expectClientError(res.body.text(), ClientError, 'FOO_ERR_TRUNCATED_BODY')
  })

  it('a reset before the response: FOO_ERR_CONNECTION with the cause', async () => {
    const error = await expectClientError(
      client.get('/reset-before'),
      ClientError,
      'FOO_ERR_CONNECTION',
    )
    expect(error.cause).toBeDefined()
  })

  it('a declared Content-Length over maxResponseSize: rejected before reading', async () => {
    const error = await expectClientError(
      client.get('/big-declared'),
      ClientError,
      'FOO_ERR_RESPONSE_TOO_LARGE',
    )
    expect(error.message).toContain('(196610 bytes) exceeds maxResponseSize (131072 bytes)')
  })

  it('a chunked body growing past maxResponseSize: rejected while streaming', async () => {
    await expectClientError(client.get('/big-chunked'), ClientError, 'FOO_ERR_RESPONSE_TOO_LARGE')
  })

  it('request() enforces maxResponseSize while iterating', async () => {
    const res = await client.request({ method: 'GET', path: '/big-chunked' })
    await expectClientError(res.body.bytes(), ClientError, 'FOO_ERR_RESPONSE_TOO_LARGE')
  })

  it('the client still works after every fault above', async () => {
    expect(await client.get('/')).toEqual({ ok: true })
  })
})

describe('closed client', () => {
  it('rejects new requests with FOO_ERR_CLOSED after close()', async () => {
    const c = new Client({ baseUrl: server.origin })
    onTestFinished(() => c.destroy())
    await c.close()
    expect(c.closed).toBe(true)
    await expectClientError(c.get('/'), ClientError, 'FOO_ERR_CLOSED')
  })

  it('rejects new requests with FOO_ERR_DESTROYED after destroy()', async () => {
    const c = new Client({ baseUrl: server.origin })
    onTestFinished(() => c.destroy())
    c.destroy()
    c.destroy()
    await expectClientError(c.get('/'), ClientError, 'FOO_ERR_DESTROYED')
  })
})
