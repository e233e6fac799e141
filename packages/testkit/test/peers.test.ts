import { afterEach, describe, expect, it, onTestFinished } from 'vitest'
import { type Observer, PEERS, PeerError, peer, startObserver } from '../src/index.js'

let observer: Observer
afterEach(() => observer?.close())

// @foo/client is not a dependency of testkit (its tests depend on testkit): its entries in the
// catalog are exercised by the client's exit-path tests, the demo and the bench.
const others = PEERS.filter((p) => !p.fooClient)
// fetch and ky trust a CA only through NODE_EXTRA_CA_CERTS, read at startup: HTTPS is covered
// for them by the child processes of runChild.
const httpsInProcess = new Set(['undici', 'undici-pool', 'axios', 'got', 'node-http'])

describe('the peer catalog', () => {
  it('names every peer once, with a label for reports', () => {
    expect(PEERS.map((p) => p.name)).toEqual([
      'client',
      'client-fast-exit',
      'undici',
      'undici-pool',
      'fetch',
      'axios',
      'got',
      'ky',
      'node-http',
    ])
    expect(new Set(PEERS.map((p) => p.label)).size).toBe(PEERS.length)
    expect(() => peer('nope')).toThrow(PeerError)
    expect(() => peer('nope')).toThrow(
      /client, client-fast-exit, undici, undici-pool, fetch, axios, got, ky, node-http/,
    )
  })

  it('marks the peers that are @foo/client, and the one that changes its whole process', () => {
    expect(PEERS.filter((p) => p.fooClient).map((p) => p.name)).toEqual([
      'client',
      'client-fast-exit',
    ])
    expect(PEERS.filter((p) => p.processWide).map((p) => p.name)).toEqual(['client-fast-exit'])
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
    for (const name of ['client', 'client-fast-exit']) {
      await expect(peer(name).load()).rejects.toThrow(/clientEntry\(import\.meta\.url\)/)
    }
  })
})
