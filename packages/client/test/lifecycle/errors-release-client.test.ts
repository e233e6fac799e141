import { collectUntil, startServer, type TestServer, waitFor } from '@foo/testkit'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Client, isClientError } from '../../src/index.js'

// An error the application keeps (a last-error field, a log buffer) must not keep its client
// alive (it once did, through the unread stack's frames, so the finalizer never closed the pool).
let server: TestServer
let retriesAnswered = 0

beforeAll(async () => {
  server = await startServer({
    handler: (req, res) => {
      res.statusCode = req.url === '/retry' ? 503 : 500
      // A fixed 5 s backoff: with full jitter alone the delay could be a few ms, the retry would
      // happen before destroy() and request() would resolve with the second 503.
      if (req.url === '/retry') {
        res.setHeader('retry-after', '5')
        res.once('finish', () => retriesAnswered++)
      }
      res.end('failed')
    },
  })
})

afterAll(async () => {
  await server.close()
})

async function failures(): Promise<{ ref: WeakRef<Client>; kept: unknown[] }> {
  const client = new Client({
    baseUrl: server.origin,
    retry: { limit: 1, minDelay: 5_000, maxDelay: 5_000 },
  })
  const kept: unknown[] = []
  await client.get('/x').catch((error: unknown) => kept.push(error)) // HttpError
  await client.get('/users/{id}').catch((error: unknown) => kept.push(error)) // invalid argument
  const waiting = client
    .request({ method: 'GET', path: '/retry' })
    .catch((error: unknown) => kept.push(error))
  await waitFor('the 503 that starts the 5 s backoff', () => retriesAnswered === 1)
  client.destroy() // FOO_ERR_DESTROYED, caused by the aborted backoff
  await waiting
  return { ref: new WeakRef(client), kept }
}

describe('errors the application keeps', () => {
  it('do not keep their client from being collected', async () => {
    const { ref, kept } = await failures()
    expect(kept.map((error) => (isClientError(error) ? error.code : error))).toEqual([
      'FOO_ERR_HTTP',
      'FOO_ERR_INVALID_ARGUMENT',
      'FOO_ERR_DESTROYED',
    ])
    expect(await collectUntil(() => ref.deref() === undefined, 3_000)).toBe(true)
    expect(kept).toHaveLength(3) // still held here
  })
})
