import { once } from 'node:events'
import http from 'node:http'
import net from 'node:net'
import { startServer, type TestServer } from '@foo/testkit'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { useTracker } from './helpers.js'

const { tracker, since, reset } = useTracker()
let server: TestServer

beforeAll(async () => {
  server = await startServer()
})
afterAll(() => server.close())
beforeEach(() => reset())

describe('TCP sockets and servers', () => {
  it('reports a connected client socket with local -> remote, then nothing once destroyed', async () => {
    const socket = net.connect(server.port, '127.0.0.1')
    await once(socket, 'connect')
    const open = tracker
      .open({ since: since() })
      .filter((h) => h.kind === 'tcp-socket' && !h.description.includes('accepted'))
    expect(open).toHaveLength(1)
    const [leak] = open
    expect(leak?.state).toBe('active')
    expect(leak?.remote).toBe(`127.0.0.1:${server.port}`)
    expect(leak?.local).toBe(`127.0.0.1:${socket.localPort}`)
    expect(leak?.description).toBe(
      `TCP socket 127.0.0.1:${socket.localPort} -> 127.0.0.1:${server.port}`,
    )
    expect(leak?.stack).toContain('tcp.test.ts')
    socket.destroy()
    // The server side closes when the FIN arrives.
    expect((await tracker.settle({ since: since() })).leaks).toEqual([])
  })

  it('settles a socket that closes a tick after the test', async () => {
    const socket = net.connect(server.port, '127.0.0.1')
    await once(socket, 'connect')
    setImmediate(() => socket.end())
    socket.on('end', () => socket.destroy())
    setTimeout(() => socket.destroy(), 20)
    const { leaks } = await tracker.settle({ since: since(), deadlineMs: 2000 })
    expect(leaks).toEqual([])
  })

  it('reports a listening server until it is closed', async () => {
    const other = net.createServer()
    other.listen(0, '127.0.0.1')
    await once(other, 'listening')
    const port = (other.address() as net.AddressInfo).port
    const [leak] = tracker.open({ since: since() })
    expect(leak?.kind).toBe('tcp-server')
    expect(leak?.local).toBe(`127.0.0.1:${port}`)
    expect(leak?.description).toBe(`TCP server listening on 127.0.0.1:${port}`)
    other.close()
    expect(tracker.open({ since: since() })).toEqual([])
  })

  it('reports the sockets a tracked server accepted, in the server scope', async () => {
    tracker.setScope({ file: 'f', test: 'server test' })
    const own = http.createServer((_req, res) => res.end('ok'))
    own.listen(0, '127.0.0.1')
    await once(own, 'listening')
    tracker.setScope({ file: 'f', test: 'client test' })
    const port = (own.address() as net.AddressInfo).port
    const agent = new http.Agent({ keepAlive: true })
    await new Promise<void>((resolve) =>
      http.get({ port, host: '127.0.0.1', agent }, (res) => res.resume().on('end', resolve)),
    )
    await new Promise((resolve) => setImmediate(resolve))
    const open = tracker.open({ since: since() })
    const accepted = open.find((h) => h.description.includes('accepted'))
    expect(accepted?.scope.test).toBe('server test')
    const client = open.find((h) => h.kind === 'tcp-socket' && h.remote === `127.0.0.1:${port}`)
    expect(client?.scope.test).toBe('client test')
    expect(client?.state).toBe('idle-keep-alive')
    expect(client?.pool).toBe('node:http')
    agent.destroy()
    own.close()
    const { leaks } = await tracker.settle({ since: since() })
    expect(leaks).toEqual([])
    tracker.setScope(undefined)
  })

  it("reports an unref'd socket as unref", async () => {
    const socket = net.connect(server.port, '127.0.0.1')
    await once(socket, 'connect')
    socket.unref()
    const [leak] = tracker.open({ since: since() })
    expect(leak?.state).toBe('unref')
    socket.destroy()
  })

  it('filters by scope', async () => {
    tracker.setScope({ file: 'f', test: 'a' })
    const socket = net.connect(server.port, '127.0.0.1')
    tracker.setScope(undefined)
    await once(socket, 'connect')
    expect(tracker.open({ since: since(), scope: { test: 'a' } })).toHaveLength(1)
    expect(tracker.open({ since: since(), scope: { test: 'b' } })).toHaveLength(0)
    socket.destroy()
  })
})
