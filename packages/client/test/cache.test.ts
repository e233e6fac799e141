import { startServer } from '@foo/testkit'
import { describe, expect, it, onTestFinished } from 'vitest'
import { Client } from '../src/index.js'
import { failOnUnhandledRejections } from './helpers/expect.js'

failOnUnhandledRejections()

async function etagApi(cacheControl: string | undefined) {
  const seen: Array<string | undefined> = []
  let version = 1
  const server = await startServer({
    handler: (req, res) => {
      seen.push(req.headers['if-none-match'])
      const etag = `"v${version}"`
      if (cacheControl !== undefined) res.setHeader('cache-control', cacheControl)
      res.setHeader('etag', etag)
      if (req.headers['if-none-match'] === etag) return res.writeHead(304).end()
      res.setHeader('content-type', 'application/json')
      res.end(JSON.stringify({ version }))
    },
  })
  onTestFinished(() => server.close())
  return { server, seen, bump: () => version++ }
}

describe('cache (opt-in)', () => {
  it('revalidates with If-None-Match: a 304 serves the stored body', async () => {
    const { server, seen, bump } = await etagApi('max-age=0')
    const client = new Client({ baseUrl: server.origin, cache: true })
    onTestFinished(() => client.close())
    expect(await client.get('/r')).toEqual({ version: 1 })
    expect(await client.get('/r')).toEqual({ version: 1 })
    expect(seen).toEqual([undefined, '"v1"'])
    bump()
    // undici 7.30 drops an entry once a 304 served it (undici#5505), so this is a full request.
    expect(await client.get('/r')).toEqual({ version: 2 })
  })

  it('a fresh response (max-age) is served without a request', async () => {
    const { server, seen } = await etagApi('max-age=60')
    const client = new Client({ baseUrl: server.origin, cache: { maxCount: 10 } })
    onTestFinished(() => client.close())
    await client.get('/r')
    expect(await client.get('/r', { withResponse: true })).toMatchObject({
      status: 200,
      data: { version: 1 },
    })
    expect(seen).toHaveLength(1)
  })

  it('is off by default, and never stores POST', async () => {
    const { server, seen } = await etagApi('max-age=60')
    const plain = new Client({ baseUrl: server.origin })
    onTestFinished(() => plain.close())
    await plain.get('/r')
    await plain.get('/r')
    const cached = new Client({ baseUrl: server.origin, cache: true })
    onTestFinished(() => cached.close())
    await cached.post('/r')
    await cached.post('/r')
    expect(seen).toHaveLength(4)
  })

  it('is bounded: an entry over maxEntrySize is not kept', async () => {
    const { server, seen } = await etagApi('max-age=60')
    const client = new Client({ baseUrl: server.origin, cache: { maxEntrySize: 4 } })
    onTestFinished(() => client.close())
    await client.get('/r')
    await client.get('/r')
    expect(seen).toHaveLength(2)
  })

  it('bad cache options are FOO_ERR_INVALID_ARGUMENT with a suggestion', () => {
    expect(() => new Client({ baseUrl: 'http://x.test', cache: { maxSise: 1 } as never })).toThrow(
      /Unknown cache option "maxSise". Did you mean "maxSize"\?/,
    )
    expect(() => new Client({ baseUrl: 'http://x.test', cache: { store: {} } as never })).toThrow(
      /CacheStore/,
    )
  })
})
