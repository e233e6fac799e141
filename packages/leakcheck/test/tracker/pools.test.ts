import nodeHttp from 'node:http'
import { startServer, type TestServer } from '@foo/testkit'
import { Agent, getGlobalDispatcher, request, setGlobalDispatcher } from 'undici'
import { afterAll, beforeAll, beforeEach, describe, expect, it, onTestFinished } from 'vitest'
import { judge } from '../../src/policy.js'
import { at, useTracker } from './helpers.js'

const { tracker, reset, open, settle } = useTracker()
let http: TestServer
let https: TestServer

beforeAll(async () => {
  http = await startServer()
  https = await startServer({ protocol: 'https' })
})
afterAll(async () => {
  await Promise.all([http.close(), https.close()])
})
beforeEach(() => reset())

const clientSockets = () => open().filter((h) => h.role === 'client')

describe('sockets of connection pools: owner, state and last user', () => {
  it('an npm undici Agent socket is idle-keep-alive, owned by a pool that is not global', async () => {
    const agent = new Agent({ connect: { ca: https.ca ?? '' } })
    onTestFinished(() => (agent.closed ? undefined : agent.close()))
    const res = await request(`https://localhost:${https.port}/`, { dispatcher: agent })
    await res.body.text()
    await new Promise((resolve) => setImmediate(resolve))
    const [leak, ...rest] = clientSockets()
    expect(rest).toEqual([])
    expect(leak?.kind).toBe('tls-socket')
    expect(leak?.state).toBe('idle-keep-alive')
    expect(leak?.owner).toMatchObject({ type: 'pool', pool: 'undici', global: false })
    expect(leak?.remote).toMatchObject({ host: 'localhost', port: https.port })
    // Idle in a pool: not a leak of the one who opened it; closing the Agent closes it.
    expect((await settle()).handles.filter((h) => h.role === 'client')).toEqual([])
    await agent.close()
    expect(clientSockets()).toEqual([])
  })

  it("global fetch's pool (Node's bundled undici) is global: never a test's or a file's leak", async () => {
    const res = await fetch(http.origin)
    await res.text()
    await new Promise((resolve) => setImmediate(resolve))
    const [leak] = clientSockets()
    expect(leak?.state).toBe('idle-keep-alive')
    expect(leak?.owner).toMatchObject({ type: 'pool', pool: 'undici', global: true })
    expect(at(leak?.remote)).toBe(`127.0.0.1:${http.port}`)
    expect(judge([leak as never], { at: 'file' }).leaks).toEqual([])
    // The server closing its side ends it.
    for (const socket of http.connections) socket.destroy()
    expect((await settle()).handles).toEqual([])
  })

  it('an Agent given to setGlobalDispatcher is the global pool while it is installed', async () => {
    const previous = getGlobalDispatcher()
    const agent = new Agent()
    setGlobalDispatcher(agent)
    onTestFinished(async () => {
      setGlobalDispatcher(previous)
      await agent.close()
    })
    const res = await request(http.origin)
    await res.body.text()
    expect(clientSockets()[0]?.owner).toMatchObject({ type: 'pool', global: true })
  })

  it('a socket with an unread response body is active, blamed on the scope that sent the request', async () => {
    const agent = new Agent()
    onTestFinished(() => agent.close())
    const first = await tracker.run({ test: 'opens' }, () =>
      request(http.origin, { dispatcher: agent }),
    )
    await first.body.text()
    await new Promise((resolve) => setImmediate(resolve))
    const res = await tracker.run({ test: 'leaves it busy' }, () =>
      request(http.origin, { dispatcher: agent }),
    )
    const [leak, ...rest] = clientSockets()
    expect(rest).toEqual([])
    expect(leak?.state).toBe('active')
    expect(leak?.scope.test).toBe('opens')
    expect(leak?.lastUsedBy?.test).toBe('leaves it busy')
    await res.body.dump()
  })

  it('node:http: an Agent of ours and http.globalAgent, told apart', async () => {
    const agent = new nodeHttp.Agent({ keepAlive: true })
    onTestFinished(() => agent.destroy())
    const get = (options: nodeHttp.RequestOptions) =>
      new Promise<void>((resolve) =>
        nodeHttp.get({ host: '127.0.0.1', port: http.port, ...options }, (res) =>
          res.resume().on('end', resolve),
        ),
      )
    await get({ agent })
    await get({})
    await new Promise((resolve) => setImmediate(resolve))
    const owners = clientSockets().map((h) => h.owner)
    expect(owners).toContainEqual(expect.objectContaining({ pool: 'node:http', global: false }))
    expect(owners).toContainEqual(expect.objectContaining({ pool: 'node:http', global: true }))
    for (const socket of http.connections) socket.destroy()
  })
})
