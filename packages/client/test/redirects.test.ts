import type http from 'node:http'
import { Readable } from 'node:stream'
import { startServer, type TestServer } from '@foo/testkit'
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest'
import { Client, ClientError } from '../src/index.js'
import { expectClientError, failOnUnhandledRejections } from './helpers/expect.js'

failOnUnhandledRejections()

interface Echo {
  origin: string
  method: string
  url: string
  body: string
  headers: http.IncomingHttpHeaders
}

let main: TestServer
let other: TestServer
let client: Client
const credentials = {
  authorization: 'Bearer secret-token',
  cookie: 'sid=secret-cookie',
  'proxy-authorization': 'Basic c2VjcmV0',
  'x-trace': 'kept',
}

function echo(name: string): http.RequestListener {
  return async (req, res) => {
    let body = ''
    for await (const chunk of req) body += chunk
    const url = req.url ?? ''
    const redirect = (status: number, location?: string) => {
      res.writeHead(status, location === undefined ? {} : { location })
      res.end('redirect body')
    }
    const chain = /^\/chain\/(\d+)$/.exec(url)
    if (chain)
      return redirect(302, Number(chain[1]) > 0 ? `/chain/${Number(chain[1]) - 1}` : '/target')
    switch (url) {
      case '/r301':
      case '/r302':
        return redirect(Number(url.slice(2)), '/target')
      case '/r303':
        return redirect(303, `${main.origin}/target`)
      case '/r307':
      case '/r308':
        return redirect(Number(url.slice(2)), '/target')
      case '/loop':
        return redirect(302, '/loop')
      case '/ping':
        return redirect(302, '/pong')
      case '/pong':
        return redirect(302, '/ping')
      case '/cross':
        return redirect(307, `${other.origin}/target`)
      case '/to-ftp':
        return redirect(302, 'ftp://example.com/x')
      case '/no-location':
        return redirect(302)
      default: {
        const payload: Echo = {
          origin: name,
          method: req.method ?? '',
          url,
          body,
          headers: req.headers,
        }
        res.setHeader('content-type', 'application/json')
        res.end(JSON.stringify(payload))
      }
    }
  }
}

beforeAll(async () => {
  main = await startServer({ handler: echo('main') })
  other = await startServer({ handler: echo('other') })
  client = new Client({ baseUrl: main.origin, headers: credentials })
})

afterAll(async () => {
  await client.close()
  await main.close()
  await other.close()
})

describe('following redirects', () => {
  it.each(['/r301', '/r302', '/r307', '/r308'])('GET follows %s', async (path) => {
    const echoed = await client.get<Echo>(path)
    expect(echoed).toMatchObject({ origin: 'main', method: 'GET', url: '/target' })
  })

  it('303 turns POST into GET without a body', async () => {
    const echoed = await client.post<Echo>('/r303', { body: { a: 1 } })
    expect(echoed).toMatchObject({ method: 'GET', url: '/target', body: '' })
    expect(echoed.headers['content-type']).toBeUndefined()
  })

  it('302 after POST becomes GET (as browsers do)', async () => {
    const echoed = await client.post<Echo>('/r302', { body: { a: 1 } })
    expect(echoed).toMatchObject({ method: 'GET', body: '' })
  })

  it.each(['/r307', '/r308'])('%s keeps the method and the body', async (path) => {
    const echoed = await client.post<Echo>(path, { body: { a: 1 } })
    expect(echoed).toMatchObject({ method: 'POST', url: '/target', body: '{"a":1}' })
  })

  it('follows up to maxRedirections hops', async () => {
    expect((await client.get<Echo>('/chain/4')).url).toBe('/target') // 5 hops
  })

  it('keeps credentials on the same origin', async () => {
    const echoed = await client.get<Echo>('/r302')
    expect(echoed.headers.authorization).toBe(credentials.authorization)
    expect(echoed.headers.cookie).toBe(credentials.cookie)
  })

  it('never forwards Authorization, Cookie or Proxy-Authorization to another origin', async () => {
    const echoed = await client.post<Echo>('/cross', { body: { a: 1 } })
    expect(echoed.origin).toBe('other')
    expect(echoed.headers.authorization).toBeUndefined()
    expect(echoed.headers.cookie).toBeUndefined()
    expect(echoed.headers['proxy-authorization']).toBeUndefined()
    expect(echoed.headers['x-trace']).toBe('kept')
    expect(echoed.body).toBe('{"a":1}')
  })

  it('per-request credentials are dropped across origins too', async () => {
    const c = new Client({ baseUrl: main.origin })
    onTestFinished(() => c.destroy())
    const echoed = await c.get<Echo>('/cross', { headers: { Authorization: 'Bearer per-call' } })
    expect(echoed.headers.authorization).toBeUndefined()
  })
})

describe('redirect errors', () => {
  it.each(['/loop', '/ping'])('a loop (%s) is FOO_ERR_REDIRECT', async (path) => {
    const error = await expectClientError(client.get(path), ClientError, 'FOO_ERR_REDIRECT')
    expect(error.message).toContain('redirect loop')
  })

  it('more than maxRedirections hops is FOO_ERR_REDIRECT', async () => {
    const error = await expectClientError(client.get('/chain/5'), ClientError, 'FOO_ERR_REDIRECT')
    expect(error.message).toContain('maxRedirections (5)')
  })

  it('a non-http Location is FOO_ERR_REDIRECT', async () => {
    await expectClientError(client.get('/to-ftp'), ClientError, 'FOO_ERR_REDIRECT')
  })

  it('a 3xx without Location is FOO_ERR_REDIRECT', async () => {
    await expectClientError(client.get('/no-location'), ClientError, 'FOO_ERR_REDIRECT')
  })

  it('a stream body cannot be replayed through a 307', async () => {
    await expectClientError(
      client.request({ method: 'POST', path: '/r307', body: Readable.from(['x']) }),
      ClientError,
      'FOO_ERR_REDIRECT',
    )
  })
})

describe('maxRedirections: 0', () => {
  it('returns the 3xx from request() and rejects it in JSON methods', async () => {
    const c = new Client({ baseUrl: main.origin, maxRedirections: 0 })
    onTestFinished(() => c.destroy())
    const res = await c.request({ method: 'GET', path: '/r302' })
    expect(res.status).toBe(302)
    expect(res.headers.location).toBe('/target')
    await res.body.dump()
    await expect(c.get('/r302')).rejects.toMatchObject({ code: 'FOO_ERR_HTTP', status: 302 })
  })

  it('smaller limits apply', async () => {
    const c = new Client({ baseUrl: main.origin, maxRedirections: 1 })
    onTestFinished(() => c.destroy())
    expect((await c.get<Echo>('/chain/0')).url).toBe('/target')
    await expectClientError(c.get('/chain/1'), ClientError, 'FOO_ERR_REDIRECT')
  })
})
