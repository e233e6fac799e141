import { startServer, type TestServer } from '@foo/testkit'
import { Agent, request } from 'undici'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { useTracker } from './helpers.js'

const { tracker, since, reset } = useTracker()
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

const clientSockets = () =>
  tracker.open({ since: since() }).filter((h) => !h.description.includes('accepted'))

describe('sockets idle in keep-alive pools', () => {
  it('reports an npm undici Agent socket as idle-keep-alive (TLS, with the host name)', async () => {
    const agent = new Agent({ connect: { ca: https.ca ?? '' } })
    const res = await request(`https://localhost:${https.port}/`, { dispatcher: agent })
    await res.body.text()
    const { leaks } = await tracker.settle({ since: since(), deadlineMs: 300, gc: false })
    const [leak] = leaks.filter((h) => !h.description.includes('accepted'))
    expect(leak?.kind).toBe('tls-socket')
    expect(leak?.state).toBe('idle-keep-alive')
    expect(leak?.pool).toBe('undici')
    expect(leak?.remote).toMatch(
      new RegExp(`^localhost:${https.port} \\((127\\.0\\.0\\.1|::1)\\)$`),
    )
    await agent.close()
    expect((await tracker.settle({ since: since() })).leaks).toEqual([])
  })

  it("reports the socket global fetch keeps in its pool (Node's bundled undici)", async () => {
    const res = await fetch(http.origin)
    await res.text()
    await new Promise((resolve) => setTimeout(resolve, 20))
    const [leak] = clientSockets()
    expect(leak?.kind).toBe('tcp-socket')
    expect(leak?.state).toBe('idle-keep-alive')
    expect(leak?.pool).toBe('undici')
    expect(leak?.remote).toBe(`127.0.0.1:${http.port}`)
    // The server closing its side ends it.
    for (const socket of http.connections) socket.destroy()
    expect((await tracker.settle({ since: since() })).leaks).toEqual([])
  })

  it('reports a socket with an unread response body as active', async () => {
    const agent = new Agent()
    const res = await request(http.origin, { dispatcher: agent })
    const [leak] = clientSockets()
    expect(leak?.state).toBe('active')
    await res.body.dump()
    await agent.close()
  })
})
