import { type FaultServer, startFaultServer, waitFor } from '@foo/testkit'
import { describe, expect, it, onTestFinished } from 'vitest'
import { Client, type ClientOptions } from '../src/index.js'
import { failOnUnhandledRejections } from './helpers/expect.js'
import { runFixture } from './helpers/fixture.js'

failOnUnhandledRejections()

// A response the client does not need (a redirect's, a retried 503's) is discarded with a
// deadline: a body that trickles one byte a second, forever, must not hold the call, close() or
// the process. (Before: undici's dump() read it forever; close() and the program never ended.)

async function faultServer(protocol: 'http' | 'https'): Promise<FaultServer> {
  const server = await startFaultServer({ protocol, keepAliveTimeout: 60_000 })
  onTestFinished(() => server.close())
  return server
}

function clientOf(server: FaultServer, options: Pick<ClientOptions, 'retry'> = {}): Client {
  const client = new Client({
    baseUrl: server.origin,
    ...(server.ca === undefined ? {} : { ca: server.ca }),
    timeout: 5_000,
    ...options,
  })
  onTestFinished(() => client.destroy())
  return client
}

/** Resolves to the ms `promise` took, or rejects when it takes longer than `ms`. */
async function within<T>(ms: number, what: string, promise: Promise<T>): Promise<number> {
  const started = performance.now()
  let timer: NodeJS.Timeout | undefined
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms} ms`)), ms)
  })
  try {
    await Promise.race([promise, late])
  } finally {
    clearTimeout(timer)
  }
  return performance.now() - started
}

describe.each(['http', 'https'] as const)('discarding a body nobody needs (%s)', (protocol) => {
  it('a 302 whose body trickles forever: the redirect is followed and close() ends at once', async () => {
    const server = await faultServer(protocol)
    const client = clientOf(server)
    const echo = await client.get<{ server: string; url: string }>('/fault/redirect-trickle')
    expect(echo).toMatchObject({ server: 'fault', url: '/fault/ok' })
    // Generous bounds: the trickle never ends; the point is "not forever".
    await within(5_000, 'close()', client.close())
    await waitFor(
      'the server to see every connection closed',
      () => server.server.connections.size === 0,
    )
  })

  it('a retried 503 whose body trickles forever: the retry happens and close() ends at once', async () => {
    const server = await faultServer(protocol)
    const client = clientOf(server, { retry: { limit: 1, minDelay: 0, maxDelay: 0 } })
    const res = await client.request({
      method: 'GET',
      path: '/fault/status-503-trickle',
      headers: { 'x-request-id': 'retried-503' },
    })
    expect(res.status).toBe(503)
    expect(server.requests().get('retried-503')?.attempts).toBe(2)
    await within(5_000, 'close()', client.close())
    await waitFor(
      'the server to see every connection closed',
      () => server.server.connections.size === 0,
    )
  })
})

describe('a program that followed such a redirect', () => {
  it.each(['http', 'https'] as const)(
    '(%s) ends on its own with code 0, and the server sees the connection closed',
    async (protocol) => {
      const server = await faultServer(protocol)
      const run = await runFixture('redirect-trickle.mjs', {
        env: { ORIGIN: server.origin, CA: server.ca ?? '' },
        timeoutMs: 20_000,
      })
      expect(run).toMatchObject({ code: 0, signal: null, stderr: '' })
      expect(run.stdout).toContain('"url":"/fault/ok"')
      // Generous: Node startup included; the trickle alone would never end.
      expect(run.ms).toBeLessThan(10_000)
      await waitFor(
        'the server to see every connection closed',
        () => server.server.connections.size === 0,
      )
    },
  )
})
