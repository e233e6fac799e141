import { Agent, request } from 'undici'
import { afterEach, describe, expect, it } from 'vitest'
import { startServer, type TestServer } from '../src/index.js'

let server: TestServer | undefined
afterEach(async () => {
  await server?.close()
})

describe('startServer', () => {
  for (const protocol of ['http', 'https'] as const) {
    it(`serves ${protocol} on 127.0.0.1 and closes every connection`, async () => {
      server = await startServer({ protocol })
      const dispatcher = new Agent({ connect: { ca: server.ca } })
      const res = await request(`${server.origin}/`, { dispatcher })
      expect(res.statusCode).toBe(200)
      expect(await res.body.json()).toEqual({ ok: true })
      expect(server.accepted()).toBe(1)
      expect(server.connections.size).toBe(1)
      await server.close()
      await dispatcher.close()
      expect(server.connections.size).toBe(0)
      expect(server.server.listening).toBe(false)
    })
  }
})
