import { startFaultServer, waitFor } from '@foo/testkit'
import { describe, expect, it, onTestFinished } from 'vitest'
import { runFixture } from './helpers/fixture.js'

// gracefulShutdown drains each client the way its own close() does: a body nobody reads is
// discarded at once, not waited on until timeoutMs. (Before: 10 s, then a reset.)
describe.skipIf(process.platform === 'win32')(
  'gracefulShutdown with a request() body unread',
  () => {
    it('SIGTERM: the process dies of SIGTERM at once, not after timeoutMs, and the connection is closed', async () => {
      const server = await startFaultServer({ keepAliveTimeout: 60_000 })
      onTestFinished(() => server.close())
      let signalledAt = 0
      const run = await runFixture('graceful-unread.mjs', {
        env: { ORIGIN: server.origin },
        onReady: (child) => {
          signalledAt = performance.now()
          child.kill('SIGTERM')
        },
      })
      const afterSignal = performance.now() - signalledAt
      expect(run).toMatchObject({ code: null, signal: 'SIGTERM', stderr: '' })
      expect(run.stdout).toContain('200')
      // Generous: the drain's timeoutMs is 10 s; its own close() takes milliseconds.
      expect(afterSignal).toBeLessThan(5_000)
      await waitFor(
        'the server to see the connection closed',
        () => server.server.connections.size === 0,
      )
    })
  },
)
