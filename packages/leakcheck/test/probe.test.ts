import { once } from 'node:events'
import net from 'node:net'
import { startServer, type TestServer } from '@foo/testkit'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { isLeakcheckError, LeakError } from '../src/errors.js'
import { track } from '../src/probe.js'

let server: TestServer
beforeAll(async () => {
  server = await startServer()
})
afterAll(() => server.close())

const clientOnly = <T extends { role?: string }>(leaks: T[]): T[] =>
  leaks.filter((h) => h.role !== 'accepted')

describe('track()', () => {
  it('returns the handles opened since track() that are still open', async () => {
    const before = net.connect(server.port, '127.0.0.1')
    const probe = track({ settleMs: 300 })
    const after = net.connect(server.port, '127.0.0.1')
    await Promise.all([once(before, 'connect'), once(after, 'connect')])
    const leaks = clientOnly(await probe.leaks())
    expect(leaks).toHaveLength(1)
    expect(leaks[0]?.local).toEqual({ address: '127.0.0.1', port: after.localPort })
    before.destroy()
    after.destroy()
    expect(clientOnly(await probe.leaks())).toEqual([])
    probe.stop()
  })

  it('assertNone() throws a LeakError carrying the leaks and the report', async () => {
    const probe = track({ settleMs: 200 })
    const timer = setInterval(() => {}, 1000)
    const error = await probe.assertNone().catch((e: unknown) => e)
    clearInterval(timer)
    expect(error).toBeInstanceOf(LeakError)
    expect(isLeakcheckError(error)).toBe(true)
    const leak = error as LeakError
    expect(leak.code).toBe('LEAKCHECK_LEAK')
    expect(leak.leaks.map((h) => h.kind)).toEqual(['interval'])
    expect(leak.message).toContain('Interval of 1000 ms')
    expect(leak.message).toContain('clearInterval(interval)')
    await expect(probe.assertNone()).resolves.toBeUndefined()
    probe.stop()
  })

  it('applies its own allow rules', async () => {
    const probe = track({ allow: [{ kind: 'timer' }] })
    const timer = setTimeout(() => {}, 60_000)
    expect(await probe.leaks({ settleMs: 100 })).toEqual([])
    clearTimeout(timer)
    probe.stop()
  })

  it("a short pending timer is not a leak; the threshold is the same option as the plugin's", async () => {
    const probe = track()
    const race = setTimeout(() => {}, 3000)
    expect(await probe.leaks()).toEqual([])
    const strict = track({ shortTimerMs: 0 })
    const again = setTimeout(() => {}, 3000)
    expect((await strict.leaks()).map((h) => h.kind)).toEqual(['timer'])
    clearTimeout(race)
    clearTimeout(again)
    probe.stop()
    strict.stop()
  })

  it('rejects bad options with a typed error that names the option', () => {
    expect(() => track({ settleMs: -1 })).toThrow(
      expect.objectContaining({
        code: 'LEAKCHECK_INVALID_OPTION',
        message: expect.stringContaining('settleMs'),
      }),
    )
    expect(() => track({ shortTimerMs: Number.NaN })).toThrow(
      expect.objectContaining({ code: 'LEAKCHECK_INVALID_OPTION' }),
    )
    expect(() => track({ allow: [{ kind: 'nope' as 'timer' }] })).toThrow(
      expect.objectContaining({ code: 'LEAKCHECK_INVALID_ALLOW_RULE' }),
    )
  })
})
