import { afterEach, describe, expect, it, onTestFinished } from 'vitest'
import { type Observer, PEERS, PeerError, peer, startObserver } from '../src/index.js'

let observer: Observer
afterEach(() => observer?.close())

// @foo/client is not a dependency of testkit (its tests depend on testkit): its entry in the
// catalog is exercised by the client's exit-path tests, the demo and the bench.
const others = PEERS.filter((p) => p.name !== 'client')
// fetch and ky trust a CA only through NODE_EXTRA_CA_CERTS, read at startup: HTTPS is covered
// for them by the child processes of runChild.
const httpsInProcess = new Set(['undici', 'undici-pool', 'axios', 'got'])

describe('the peer catalog', () => {
  it('names every peer once, with a label for reports', () => {
    expect(PEERS.map((p) => p.name)).toEqual([
      'client',
      'undici',
      'undici-pool',
      'fetch',
      'axios',
      'got',
      'ky',
    ])
    expect(new Set(PEERS.map((p) => p.label)).size).toBe(PEERS.length)
    expect(() => peer('nope')).toThrow(PeerError)
    expect(() => peer('nope')).toThrow(/client, undici, undici-pool, fetch, axios, got, ky/)
  })

  for (const entry of others) {
    it(`${entry.name}: GETs parsed JSON with a query, over keep-alive, and closes`, async () => {
      observer = await startObserver()
      const make = await entry.load({ ca: observer.ca })
      const origins = [observer.httpOrigin]
      if (httpsInProcess.has(entry.name)) origins.push(observer.httpsOrigin)
      for (const origin of origins) {
        const client = make(origin)
        onTestFinished(() => client.close())
        expect(await client.get('/json')).toMatchObject({ ok: true })
        expect(await client.get('/slow', { ms: 1 })).toMatchObject({ ok: true, sleptMs: 1 })
        await client.close()
      }
      const connections = await observer.settle()
      expect(new Set(connections.map((c) => c.protocol))).toEqual(
        new Set(origins.map((o) => new URL(o).protocol.slice(0, -1))),
      )
      expect(connections.reduce((sum, c) => sum + c.requests, 0)).toBe(2 * origins.length)
      expect(connections.every((c) => c.ending !== 'rst')).toBe(true)
    })
  }

  it('@foo/client needs the URL of its entry, and says how to give it', async () => {
    const saved = process.env.EXIT_CLIENT_ENTRY
    delete process.env.EXIT_CLIENT_ENTRY
    onTestFinished(() => {
      if (saved !== undefined) process.env.EXIT_CLIENT_ENTRY = saved
    })
    await expect(peer('client').load()).rejects.toThrow(/clientEntry\(import\.meta\.url\)/)
  })
})
