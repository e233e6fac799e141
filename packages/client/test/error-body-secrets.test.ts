import { startServer, type TestServer } from '@foo/testkit'
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest'
import { Client, HttpError } from '../src/index.js'
import { expectClientError, failOnUnhandledRejections } from './helpers/expect.js'
import { secretsShown } from './helpers/renderings.js'

failOnUnhandledRejections()

// A server that echoes the request in its error body must not carry the client's secrets into an
// HttpError (and so into logs): what the client redacts is replaced there too, and nothing else.
let server: TestServer
beforeAll(async () => {
  server = await startServer({
    handler: (req, res) => {
      res.writeHead(500, { 'content-type': 'application/json' })
      res.end(JSON.stringify({ error: 'echo', url: req.url, headers: req.headers }))
    },
  })
})
afterAll(() => server.close())

describe('an error body that echoes the request', () => {
  it('shows none of the values the client redacts, and keeps the rest as sent', async () => {
    const password = 'pw-SECRET-77aa'
    const cookie = 'cookie-SECRET-0b1c'
    const client = new Client({
      baseUrl: `http://user:${password}@127.0.0.1:${server.port}`,
      headers: { cookie: `sid=${cookie}; theme=dark`, 'x-trace': 'a=b==' },
      secretParams: ['token'],
    })
    onTestFinished(() => client.close())
    const error = await expectClientError(
      client.get('/echo', { query: { token: 'tok-SECRET-9f', page: 2 } }),
      HttpError,
      'FOO_ERR_HTTP',
    )
    const basic = Buffer.from(`user:${password}`).toString('base64')
    expect(secretsShown(error, [basic, cookie, 'tok-SECRET-9f'])).toEqual([])
    expect(JSON.stringify(error)).not.toContain(basic)
    // The rest of the body is untouched: '=' of base64 padding is not treated as a secret.
    expect(error.body).toContain('page=2')
    expect(error.body).toContain('"x-trace":"a=b=="')
  })
})
