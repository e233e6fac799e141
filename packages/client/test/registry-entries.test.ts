import diagnostics from 'node:diagnostics_channel'
import { collectUntil, startServer, type TestServer } from '@foo/testkit'
import { MockAgent } from 'undici'
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest'
import { Client } from '../src/index.js'
import { getRegistry } from '../src/lifecycle.js'

// What the lifecycle registry shows of clients: an entry per connection pool a client opened,
// with where the client was created (file:line:col of user code), and nothing for a client that
// owns no connections.
let server: TestServer
beforeAll(async () => {
  server = await startServer({ keepAliveTimeout: 60_000 })
})
afterAll(() => server.close())

class Catalog extends Client {}

function entriesNamed(name: string) {
  return getRegistry()
    .entries()
    .filter((entry) => entry.name === name)
}

describe('registry entries of clients', () => {
  it('a client with a dispatcher of your own has no entry: it owns no connections', async () => {
    const agent = new MockAgent()
    agent.disableNetConnect()
    onTestFinished(() => agent.close())
    agent.get(server.origin).intercept({ path: '/' }).reply(200, { ok: true })
    class Mocked extends Client {}
    const client = new Mocked({ baseUrl: server.origin, dispatcher: agent })
    onTestFinished(() => client.close())
    expect(await client.get('/')).toEqual({ ok: true })
    expect(entriesNamed('Mocked')).toEqual([])
  })

  it('a client that sent a request has one entry, created where the user wrote new', async () => {
    const sockets: object[] = []
    const onSocket = (message: unknown) => sockets.push((message as { socket: object }).socket)
    diagnostics.subscribe('net.client.socket', onSocket)
    onTestFinished(() => {
      diagnostics.unsubscribe('net.client.socket', onSocket)
    })
    const line = Number(new Error().stack?.match(/registry-entries\.test\.ts:(\d+)/)?.[1]) + 1
    const catalog = new Catalog({ baseUrl: server.origin })
    onTestFinished(() => catalog.close())
    expect(entriesNamed('Catalog').filter((e) => e.reachable)).toEqual([])
    await catalog.get('/')
    const [entry] = entriesNamed('Catalog').filter((e) => e.reachable)
    expect(entry).toMatchObject({ reachable: true, closed: false })
    // `    at ...` lines, the user's frame with file:line:col.
    expect(entry?.createdAt).toMatch(/^ {4}at /)
    expect(entry?.createdAt).toMatch(new RegExp(`registry-entries\\.test\\.ts:${line}:\\d+`))
    const owner = getRegistry().ownerOf(sockets[0] as object)
    expect(owner).toEqual({
      name: 'Catalog',
      createdAt: entry?.createdAt,
      reachable: true,
      closed: false,
    })
  })

  it('with Error.stackTraceLimit = 0 nothing is captured: createdAt is empty', async () => {
    class Unstacked extends Client {}
    const limit = Error.stackTraceLimit
    Error.stackTraceLimit = 0
    let client: Unstacked
    try {
      client = new Unstacked({ baseUrl: server.origin })
    } finally {
      Error.stackTraceLimit = limit
    }
    onTestFinished(() => client.close())
    await client.get('/')
    expect(entriesNamed('Unstacked').map((entry) => entry.createdAt)).toEqual([''])
  })

  it('a client never used is collected, creation stack and all', async () => {
    let client: Catalog | undefined = new Catalog({ baseUrl: server.origin })
    const ref = new WeakRef(client)
    client = undefined
    expect(await collectUntil(() => ref.deref() === undefined)).toBe(true)
  })
})
