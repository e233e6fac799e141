import { Client } from '@foo/client'
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

class Api extends Client {}

const clientSockets = (leaks: ReturnType<typeof tracker.open>) =>
  leaks.filter((h) => !h.description.includes('accepted'))

describe('@foo/client owners', () => {
  it('names the reachable client that owns a leaked socket', async () => {
    const api = new Api({ baseUrl: server.origin })
    await api.get('/')
    const { leaks } = await tracker.settle({ since: since(), deadlineMs: 300 })
    const [leak] = clientSockets(leaks)
    expect(leak?.owner?.name).toBe('Api')
    expect(leak?.owner?.reachable).toBe(true)
    expect(leak?.owner?.createdAt).toContain('owners.test.ts')
    await api.close()
    expect(clientSockets((await tracker.settle({ since: since() })).leaks)).toEqual([])
  })

  it('an unreachable client closed by its finalizer is collected, not leaked', async () => {
    await (async () => {
      const api = new Api({ baseUrl: server.origin })
      await api.get('/')
    })()
    const { leaks, collected } = await tracker.settle({ since: since(), deadlineMs: 2000 })
    expect(clientSockets(leaks)).toEqual([])
    expect(collected).toBeGreaterThanOrEqual(1)
  })
})
