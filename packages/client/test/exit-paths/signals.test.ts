import type { ChildProcess } from 'node:child_process'
import { setTimeout as delay } from 'node:timers/promises'
import { type Observer, startObserver } from '@foo/testkit'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { endings, runFixture } from './run.js'

// POSIX signals sent to a child: Windows has no SIGTERM and no way to send SIGINT to one process.
const posix = process.platform !== 'win32'

let observer: Observer
beforeEach(async () => {
  observer = await startObserver({ keepAliveTimeout: 60_000 })
})
afterEach(() => observer.close())

const send = (signal: NodeJS.Signals) => (child: ChildProcess) => {
  child.kill(signal)
}

/** Sends `signal` once the server has seen both in-flight `/slow` requests. */
const sendWhenInFlight =
  (signal: NodeJS.Signals, then?: (child: ChildProcess) => Promise<void>) =>
  async (child: ChildProcess) => {
    await observer.waitForRequest('/slow')
    await waitUntil(
      () => observer.connections().filter((c) => c.requests > c.responses).length === 2,
    )
    child.kill(signal)
    await then?.(child)
  }

async function waitUntil(done: () => boolean, ms = 5_000): Promise<void> {
  const deadline = Date.now() + ms
  while (!done() && Date.now() < deadline) await delay(20)
}

describe.skipIf(!posix)('exit paths: signals (POSIX)', () => {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    it(`${signal} with no handler: the default signal death, sockets closed by the kernel`, async () => {
      const run = await runFixture(observer, 'signal.mjs', {
        env: { MODE: 'none', SIGNAL: signal },
        onReady: send(signal),
      })
      expect(run).toMatchObject({ code: null, signal, stderr: '' })
      expect(run.ms).toBeLessThan(5_000)
      expect(endings(run)).toEqual(['http:fin', 'https:fin'])
    })

    it(`${signal} with the app's own handler: the app's semantics (exit code 7), no hang on keep-alive`, async () => {
      const run = await runFixture(observer, 'signal.mjs', {
        env: { MODE: 'app-handler', SIGNAL: signal },
        onReady: send(signal),
      })
      expect(run).toMatchObject({ code: 7, signal: null, stderr: '' })
      expect(run.stdout).toContain('app handler')
      expect(run.ms).toBeLessThan(5_000)
      expect(endings(run)).toEqual(['http:fin', 'https:fin'])
    })
  }

  it('gracefulShutdown + SIGTERM while requests are in flight: they complete, then a real SIGTERM death', async () => {
    const run = await runFixture(observer, 'signal.mjs', {
      env: { MODE: 'graceful', SIGNAL: 'SIGTERM' },
      onReady: sendWhenInFlight('SIGTERM'),
    })
    expect(run).toMatchObject({ code: null, signal: 'SIGTERM', stderr: '' })
    expect(run.stdout.match(/\{"finished":true\}/g)).toHaveLength(2)
    expect(run.ms).toBeLessThan(5_000)
    // Drained: every response was written before the connection ended.
    expect(run.connections.every((c) => c.ending === 'fin' && c.responses === c.requests)).toBe(
      true,
    )
  })

  it('gracefulShutdown + SIGINT: same, re-raised as SIGINT', async () => {
    const run = await runFixture(observer, 'signal.mjs', {
      env: { MODE: 'graceful', SIGNAL: 'SIGINT' },
      onReady: sendWhenInFlight('SIGINT'),
    })
    expect(run).toMatchObject({ code: null, signal: 'SIGINT', stderr: '' })
    expect(run.stdout.match(/\{"finished":true\}/g)).toHaveLength(2)
  })

  it("gracefulShutdown beside the app's handler: drains, then leaves the exit to the app (code 7)", async () => {
    const run = await runFixture(observer, 'signal.mjs', {
      env: { MODE: 'graceful-app', SIGNAL: 'SIGTERM' },
      onReady: sendWhenInFlight('SIGTERM'),
    })
    expect(run).toMatchObject({ code: 7, signal: null, stderr: '' })
    expect(run.stdout.match(/\{"finished":true\}/g)).toHaveLength(2)
    expect(run.ms).toBeLessThan(5_000)
    // undici may open a second connection for the in-flight request: every one ends with a FIN.
    expect(new Set(endings(run).map((e) => e.split(':')[1]))).toEqual(new Set(['fin']))
  })

  it('a second signal during the drain ends the process at once', async () => {
    const run = await runFixture(observer, 'signal.mjs', {
      env: { MODE: 'graceful-slow', SIGNAL: 'SIGINT' },
      onReady: sendWhenInFlight('SIGINT', async (child) => {
        await delay(300)
        child.kill('SIGINT')
      }),
    })
    expect(run).toMatchObject({ code: null, signal: 'SIGINT', stderr: '' })
    expect(run.stdout).not.toContain('finished')
    // The server answers /slow after 30 s; the default drain timeout is 10 s.
    expect(run.ms).toBeLessThan(5_000)
    expect(run.connections.every((c) => c.ending !== 'open')).toBe(true)
    // Both /slow requests were cut (destroyed), not answered.
    expect(run.connections.filter((c) => c.responses < c.requests)).toHaveLength(2)
  })

  it('the drain timeout destroys what is left and re-raises', async () => {
    const run = await runFixture(observer, 'signal.mjs', {
      env: { MODE: 'graceful-slow', SIGNAL: 'SIGTERM', TIMEOUT_MS: '500' },
      onReady: sendWhenInFlight('SIGTERM'),
    })
    expect(run).toMatchObject({ code: null, signal: 'SIGTERM', stderr: '' })
    expect(run.stdout).not.toContain('finished')
    expect(run.ms).toBeLessThan(5_000)
    expect(run.connections.every((c) => c.ending !== 'open')).toBe(true)
    // Both /slow requests were cut (destroyed), not answered.
    expect(run.connections.filter((c) => c.responses < c.requests)).toHaveLength(2)
  })
})
