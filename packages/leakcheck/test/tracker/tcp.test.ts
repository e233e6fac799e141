import { once } from 'node:events'
import http from 'node:http'
import net from 'node:net'
import { startServer, type TestServer } from '@foo/testkit'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { at, describeHandle, useTracker } from './helpers.js'

const { tracker, reset, open, settle } = useTracker()
let server: TestServer

beforeAll(async () => {
  server = await startServer()
})
afterAll(() => server.close())
beforeEach(() => reset())

const clients = () => open().filter((h) => h.kind === 'tcp-socket' && h.role === 'client')

describe('TCP sockets and servers', () => {
  it('reports a connected client socket with local -> remote, then nothing once destroyed', async () => {
    const socket = net.connect(server.port, '127.0.0.1')
    await once(socket, 'connect')
    const [leak, ...rest] = clients()
    expect(rest).toEqual([])
    expect(leak?.state).toBe('active')
    expect(leak?.remote).toEqual({ address: '127.0.0.1', port: server.port })
    expect(leak?.local).toEqual({ address: '127.0.0.1', port: socket.localPort })
    expect(describeHandle(leak as never)).toBe(
      `TCP socket 127.0.0.1:${socket.localPort} -> 127.0.0.1:${server.port}`,
    )
    expect(leak?.stack).toContain('tcp.test.ts')
    expect(leak?.frames.some((f) => f.file.endsWith('tcp.test.ts'))).toBe(true)
    socket.destroy()
    // The server side closes when the FIN arrives.
    expect((await settle()).handles).toEqual([])
  })

  it('sees a socket made with new net.Socket() and connected later (how database drivers connect)', async () => {
    const socket = new net.Socket()
    socket.connect(server.port, '127.0.0.1')
    await once(socket, 'connect')
    expect(clients().map((h) => at(h.remote))).toEqual([`127.0.0.1:${server.port}`])
    socket.destroy()
  })

  it('waits for a socket whose close has started, and reports an idle open one without waiting', async () => {
    const ending = net.connect(server.port, '127.0.0.1')
    await once(ending, 'connect')
    ending.end()
    ending.on('end', () => ending.destroy())
    expect((await settle({ settleMs: 5000 })).handles).toEqual([])
    const idle = net.connect(server.port, '127.0.0.1')
    await once(idle, 'connect')
    const started = performance.now()
    const found = await settle({ settleMs: 10_000 })
    // Not a timing assertion on the machine: an open socket is not waited on at all, so the
    // check returns long before the 10 s settle deadline.
    expect(performance.now() - started).toBeLessThan(5000)
    expect(found.handles.map((h) => h.role)).toContain('client')
    idle.destroy()
  })

  it('reports a listening server until it is closed', async () => {
    const other = net.createServer()
    other.listen(0, '127.0.0.1')
    await once(other, 'listening')
    const port = (other.address() as net.AddressInfo).port
    const [leak] = open()
    expect(leak?.kind).toBe('tcp-server')
    expect(leak?.local).toEqual({ address: '127.0.0.1', port })
    expect(describeHandle(leak as never)).toBe(`TCP server listening on 127.0.0.1:${port}`)
    other.close()
    expect(open()).toEqual([])
  })

  it('stamps handles with the scope whose work opened them: a server handler belongs to the server', async () => {
    const own = await tracker.run({ file: 'f', test: 'server test' }, async () => {
      const s = http.createServer((_req, res) => {
        // Opened by the handler, while "client test" runs: still the server's scope.
        setTimeout(() => res.end('ok'), 1)
      })
      s.listen(0, '127.0.0.1')
      await once(s, 'listening')
      return s
    })
    const port = (own.address() as net.AddressInfo).port
    const agent = new http.Agent({ keepAlive: true })
    await tracker.run({ file: 'f', test: 'client test' }, async () => {
      await new Promise<void>((resolve) =>
        http.get({ port, host: '127.0.0.1', agent }, (res) => res.resume().on('end', resolve)),
      )
    })
    await new Promise((resolve) => setImmediate(resolve))
    const handles = open()
    const accepted = handles.find((h) => h.role === 'accepted')
    expect(accepted?.scope.test).toBe('server test')
    expect(accepted?.owner).toMatchObject({ type: 'server' })
    const client = handles.find((h) => h.role === 'client' && h.remote?.port === port)
    expect(client?.scope.test).toBe('client test')
    expect(client?.lastUsedBy?.test).toBe('client test')
    expect(client?.state).toBe('idle-keep-alive')
    expect(client?.owner).toMatchObject({ type: 'pool', pool: 'node:http', global: false })
    agent.destroy()
    own.close()
    expect((await settle()).handles).toEqual([])
  })

  it("reports an unref'd socket as unref", async () => {
    const socket = net.connect(server.port, '127.0.0.1')
    await once(socket, 'connect')
    socket.unref()
    expect(clients().map((h) => h.state)).toEqual(['unref'])
    socket.destroy()
  })

  it('filters by file', async () => {
    const socket = tracker.run({ file: 'a.test.ts', test: 't' }, () =>
      net.connect(server.port, '127.0.0.1'),
    )
    await once(socket, 'connect')
    expect(tracker.open({ file: 'a.test.ts' })).toHaveLength(1)
    expect(tracker.open({ file: 'b.test.ts' })).toHaveLength(0)
    socket.destroy()
  })
})
