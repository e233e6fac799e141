import diagnostics from 'node:diagnostics_channel'
import { collectGarbage as collect, collectUntil, startServer, type TestServer } from '@foo/testkit'
import { Agent } from 'undici'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Client } from '../../src/index.js'
import { getRegistry } from '../../src/lifecycle.js'

let server: TestServer
beforeAll(async () => {
  server = await startServer({ keepAliveTimeout: 60_000 })
})
afterAll(() => server.close())

class Api extends Client {
  ping(): Promise<{ ok: boolean }> {
    return this.get('/')
  }
}

/** Uses a client once and returns only weak handles to it. */
async function dropped(
  options: ConstructorParameters<typeof Client>[0],
): Promise<{ ref: WeakRef<Api>; resource: object | undefined }> {
  const api = new Api(options)
  expect(await api.ping()).toEqual({ ok: true })
  const entry = getRegistry()
    .entries()
    .find((e) => e.name === 'Api' && !e.closed && e.reachable)
  return { ref: new WeakRef(api), resource: entry?.resource }
}

describe('Client and the lifecycle', () => {
  it('a dropped client is collected and its own agent closed: the server sees its connection end', async () => {
    const { ref } = await dropped({ baseUrl: server.origin })
    expect(server.connections.size).toBe(1)
    expect(
      await collectUntil(() => ref.deref() === undefined && server.connections.size === 0),
    ).toBe(true)
  })

  it('records where the client was created and which sockets it owns', async () => {
    const sockets: object[] = []
    const onSocket = (message: unknown) => sockets.push((message as { socket: object }).socket)
    diagnostics.subscribe('net.client.socket', onSocket)
    const api = new Api({ baseUrl: server.origin })
    try {
      await api.ping()
    } finally {
      diagnostics.unsubscribe('net.client.socket', onSocket)
    }
    expect(sockets).toHaveLength(1)
    const owner = getRegistry().ownerOf(sockets[0] as object)
    expect(owner).toMatchObject({ name: 'Api', reachable: true })
    expect(owner?.createdAt).toMatch(/client\.test\.ts/)
    await api.close()
    expect(api.closed).toBe(true)
  })

  it('never closes a dispatcher the user passed in, even after the client is collected', async () => {
    const agent = new Agent()
    try {
      const { ref } = await dropped({ baseUrl: server.origin, dispatcher: agent })
      await collectUntil(() => ref.deref() === undefined)
      expect(ref.deref()).toBeUndefined()
      await collect()
      expect(agent.closed).toBe(false)
      expect(agent.destroyed).toBe(false)
      // And close() on a client with a user dispatcher leaves it open too.
      const api = new Api({ baseUrl: server.origin, dispatcher: agent })
      await api.close()
      expect(agent.closed).toBe(false)
    } finally {
      await agent.close()
    }
  })
})
