import type http from 'node:http'
import { Readable } from 'node:stream'
import { startServer, type TestServer } from '@foo/testkit'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Client, ClientError, HttpError } from '../src/index.js'
import { expectClientError, failOnUnhandledRejections } from './helpers/expect.js'

failOnUnhandledRejections()

interface Seen {
  method: string
  url: string
  headers: http.IncomingHttpHeaders
  body: string
}

let server: TestServer
let client: Client

beforeAll(async () => {
  server = await startServer({
    handler: async (req, res) => {
      let body = ''
      for await (const chunk of req) body += chunk
      const seen: Seen = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body,
      }
      const path = seen.url.replace(/^\/v1/, '')
      if (path.startsWith('/no-content')) {
        res.statusCode = 204
        res.end()
      } else if (path.startsWith('/empty')) {
        res.end()
      } else if (path.startsWith('/text')) {
        res.setHeader('content-type', 'text/plain')
        res.end('plain text')
      } else if (path.startsWith('/chunked')) {
        res.setHeader('content-type', 'application/json')
        res.write('{"parts":')
        res.end('[1,2,3]}')
      } else if (path.startsWith('/missing')) {
        res.statusCode = 404
        res.setHeader('content-type', 'application/json')
        res.end('{"error":"not found"}')
      } else {
        res.setHeader('content-type', 'application/json')
        res.end(JSON.stringify(seen))
      }
    },
  })
  client = new Client({ baseUrl: `${server.origin}/v1/`, headers: { 'x-default': 'yes' } })
})

afterAll(async () => {
  await client.close()
  await server.close()
})

describe('JSON methods', () => {
  it.each([
    ['get', 'GET'],
    ['delete', 'DELETE'],
  ] as const)('%s sends %s with accept: application/json and no body', async (name, method) => {
    const seen = await client[name]<Seen>('/things')
    expect(seen.method).toBe(method)
    expect(seen.url).toBe('/v1/things')
    expect(seen.headers.accept).toBe('application/json')
    expect(seen.headers['x-default']).toBe('yes')
    expect(seen.body).toBe('')
  })

  it.each([
    ['post', 'POST'],
    ['put', 'PUT'],
    ['patch', 'PATCH'],
  ] as const)('%s sends the body as JSON', async (name, method) => {
    const seen = await client[name]<Seen>('/things', { body: { a: 1, list: ['x'] } })
    expect(seen.method).toBe(method)
    expect(seen.headers['content-type']).toBe('application/json')
    expect(JSON.parse(seen.body)).toEqual({ a: 1, list: ['x'] })
  })

  it('sends a string body as a JSON string', async () => {
    const seen = await client.post<Seen>('/things', { body: 'hello' })
    expect(seen.body).toBe('"hello"')
  })

  it('per-request headers override defaults and undefined removes one', async () => {
    const seen = await client.get<Seen>('/things', {
      headers: { 'X-Default': undefined, 'X-Extra': '1', accept: 'application/vnd.api+json' },
    })
    expect(seen.headers['x-default']).toBeUndefined()
    expect(seen.headers['x-extra']).toBe('1')
    expect(seen.headers.accept).toBe('application/vnd.api+json')
  })

  it('keeps a content-type the caller chose', async () => {
    const seen = await client.post<Seen>('/things', {
      body: { a: 1 },
      headers: { 'content-type': 'application/merge-patch+json' },
    })
    expect(seen.headers['content-type']).toBe('application/merge-patch+json')
  })

  it('resolves 204 and an empty 200 to undefined', async () => {
    expect(await client.delete('/no-content')).toBeUndefined()
    expect(await client.get('/empty')).toBeUndefined()
  })

  it('parses a chunked body (no Content-Length)', async () => {
    expect(await client.get('/chunked')).toEqual({ parts: [1, 2, 3] })
  })

  it('rejects a non-2xx with HttpError and consumes its body, so the socket is reused', async () => {
    const before = server.accepted()
    for (let i = 0; i < 3; i++) {
      const error = await expectClientError(client.get('/missing'), HttpError, 'FOO_ERR_HTTP')
      expect(error.status).toBe(404)
      expect(error.body).toBe('{"error":"not found"}')
    }
    await client.get('/things')
    // One keep-alive socket at most: bodies were read, not left on the wire.
    expect(server.accepted() - before).toBeLessThanOrEqual(1)
  })
})

describe('request()', () => {
  it('gives status, headers and a text body', async () => {
    const res = await client.request({ method: 'GET', path: '/text' })
    expect(res.status).toBe(200)
    expect(res.headers['content-type']).toBe('text/plain')
    expect(await res.body.text()).toBe('plain text')
    expect(res.body.bodyUsed).toBe(true)
  })

  it('does not throw on a non-2xx status', async () => {
    const res = await client.request({ method: 'GET', path: '/missing' })
    expect(res.status).toBe(404)
    expect(await res.body.json()).toEqual({ error: 'not found' })
  })

  it('gives bytes and arrayBuffer', async () => {
    const bytes = await (await client.request({ method: 'GET', path: '/text' })).body.bytes()
    expect(Buffer.from(bytes).toString()).toBe('plain text')
    const buffer = await (await client.request({ method: 'GET', path: '/text' })).body.arrayBuffer()
    expect(buffer.byteLength).toBe(10)
  })

  it('iterates the body as chunks', async () => {
    const res = await client.request({ method: 'GET', path: '/chunked' })
    let text = ''
    for await (const chunk of res.body) text += Buffer.from(chunk).toString()
    expect(JSON.parse(text)).toEqual({ parts: [1, 2, 3] })
  })

  it('sends a string, bytes or a stream as is', async () => {
    const asString = await (
      await client.request({
        method: 'POST',
        path: '/echo',
        body: 'raw',
        headers: { 'content-type': 'text/plain' },
      })
    ).body.json<Seen>()
    expect(asString.body).toBe('raw')
    const asBytes = await (
      await client.request({ method: 'POST', path: '/echo', body: Buffer.from('bytes') })
    ).body.json<Seen>()
    expect(asBytes.body).toBe('bytes')
    const asStream = await (
      await client.request({ method: 'PUT', path: '/echo', body: Readable.from(['a', 'b']) })
    ).body.json<Seen>()
    expect(asStream.body).toBe('ab')
  })

  it('rejects a second read of the same body', async () => {
    const res = await client.request({ method: 'GET', path: '/text' })
    await res.body.text()
    await expectClientError(res.body.text(), ClientError, 'FOO_ERR_INVALID_ARGUMENT')
  })

  it('dump() discards an unread body and keeps the socket usable', async () => {
    const res = await client.request({ method: 'GET', path: '/text' })
    await res.body.dump()
    expect(res.body.bodyUsed).toBe(true)
    expect(await client.get<Seen>('/things')).toMatchObject({ method: 'GET' })
  })

  it('sends HEAD and any other token method', async () => {
    const head = await client.request({ method: 'head', path: '/things' })
    expect(head.status).toBe(200)
    await head.body.dump()
    const options = await client.request({ method: 'OPTIONS', path: '/things' })
    expect((await options.body.json<Seen>()).method).toBe('OPTIONS')
  })
})
