import { once } from 'node:events'
import tls from 'node:tls'
import { startServer, type TestServer } from '@foo/testkit'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { describeHandle, useTracker } from './helpers.js'

const { reset, open, settle } = useTracker()
let server: TestServer

beforeAll(async () => {
  server = await startServer({ protocol: 'https' })
})
afterAll(() => server.close())
beforeEach(() => reset())

describe('TLS sockets', () => {
  it('reports a tls.connect() socket as tls-socket with its remote host', async () => {
    const socket = tls.connect({
      port: server.port,
      host: '127.0.0.1',
      ca: server.ca ?? '',
      servername: 'localhost',
    })
    await once(socket, 'secureConnect')
    const [leak] = open().filter((h) => h.kind === 'tls-socket')
    expect(leak?.remote).toMatchObject({ address: '127.0.0.1', port: server.port })
    expect(describeHandle(leak as never)).toMatch(
      /^TLS socket 127\.0\.0\.1:\d+ -> 127\.0\.0\.1:\d+$/,
    )
    expect(leak?.stack).toContain('tls.test.ts')
    socket.destroy()
    const { handles: leaks } = await settle()
    expect(leaks).toEqual([])
  })
})
