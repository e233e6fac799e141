import { getEventListeners } from 'node:events'
import { startServer, type TestServer, waitFor } from '@foo/testkit'
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest'
import { Client, ClientError } from '../src/index.js'
import { expectClientError, failOnUnhandledRejections } from './helpers/expect.js'

failOnUnhandledRejections()

// Found in review: a request() body never read stayed in the client's set of calls and kept its
// listener on the caller's signal after its timeout fired, until close(): with one app-wide
// signal, every such request added a listener for good (and a MaxListenersExceededWarning).
let server: TestServer

beforeAll(async () => {
  server = await startServer({ handler: (_req, res) => res.end('x'.repeat(100)) })
})

afterAll(async () => {
  await server.close()
})

describe('a request() body nobody reads', () => {
  it('lets go of the caller signal once its timeout ends the call', async () => {
    const client = new Client({ baseUrl: server.origin, timeout: 100 })
    onTestFinished(() => client.destroy())
    const app = new AbortController()
    const bodies = []
    for (let i = 0; i < 12; i++) {
      const res = await client.request({ method: 'GET', path: '/x', signal: app.signal })
      expect(res.status).toBe(200)
      bodies.push(res.body)
    }
    // Generous: the 100 ms timers have long fired.
    await waitFor(
      'the caller signal to lose its listeners',
      () => getEventListeners(app.signal, 'abort').length === 0,
      5_000,
    )
    // Reading one now is the typed timeout, not a hang or an untyped stream error.
    await expectClientError(bodies[0]?.text() as Promise<string>, ClientError, 'FOO_ERR_TIMEOUT')
  })

  it('lets go of the caller signal when the client is destroyed', async () => {
    const client = new Client({ baseUrl: server.origin })
    onTestFinished(() => client.destroy())
    const app = new AbortController()
    await client.request({ method: 'GET', path: '/x', signal: app.signal })
    expect(getEventListeners(app.signal, 'abort')).toHaveLength(1)
    client.destroy()
    expect(getEventListeners(app.signal, 'abort')).toHaveLength(0)
  })
})
