import { Client } from '@foo/client'
import { startServer, type TestServer } from '@foo/testkit'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { useTracker } from './helpers.js'

const { reset, open, settle } = useTracker()
let server: TestServer
// Answers with a first chunk and ends the body 300 ms later: the connection is busy till then.
let trickle: TestServer

beforeAll(async () => {
  server = await startServer()
  trickle = await startServer({
    handler: (_req, res) => {
      res.write('x')
      setTimeout(() => res.end(), 300)
    },
  })
})
afterAll(() => Promise.all([server.close(), trickle.close()]))
beforeEach(() => reset())

class Api extends Client {}

const clientSockets = () => open().filter((h) => h.role === 'client')

describe('@foo/client owners', () => {
  it('names the reachable client that owns a socket; idle, it is not a leak', async () => {
    const api = new Api({ baseUrl: server.origin })
    await api.get('/')
    await new Promise((resolve) => setImmediate(resolve))
    const [socket] = clientSockets()
    expect(socket?.owner).toMatchObject({ type: 'foo-client', name: 'Api', reachable: true })
    expect(socket?.owner?.type === 'foo-client' && socket.owner.createdAt).toContain(
      'owners.test.ts',
    )
    expect(socket?.state).toBe('idle-keep-alive')
    expect((await settle()).handles.filter((h) => h.role === 'client')).toEqual([])
    await api.close()
  })

  it('a dropped client left with an unread body: its finalizer closes it after a GC, counted as collected', async () => {
    await (async () => {
      const api = new Api({ baseUrl: trickle.origin })
      // The body is never read: the connection is busy, the socket active.
      await api.request({ method: 'GET', path: '/' })
    })()
    expect(clientSockets().map((h) => h.state)).toEqual(['active'])
    const { handles, collected } = await settle({ settleMs: 3000 })
    expect(handles.filter((h) => h.role === 'client')).toEqual([])
    expect(collected).toBe(1)
  })
})
