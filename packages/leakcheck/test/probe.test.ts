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

const clientOnly = <T extends { description: string }>(leaks: T[]): T[] =>
  leaks.filter((h) => !h.description.includes('accepted'))

describe('track()', () => {
  it('returns the handles opened since track() that are still open', async () => {
    const before = net.connect(server.port, '127.0.0.1')
    const probe = track({ deadlineMs: 300 })
    const after = net.connect(server.port, '127.0.0.1')
    await Promise.all([once(before, 'connect'), once(after, 'connect')])
    const leaks = clientOnly(await probe.leaks())
    expect(leaks).toHaveLength(1)
    expect(leaks[0]?.local).toBe(`127.0.0.1:${after.localPort}`)
    before.destroy()
    after.destroy()
    expect(clientOnly(await probe.leaks())).toEqual([])
    probe.stop()
  })

  it('assertNone() throws a LeakError carrying the leaks and the report', async () => {
    const probe = track({ deadlineMs: 200 })
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
    expect(await probe.leaks({ deadlineMs: 100 })).toEqual([])
    clearTimeout(timer)
    probe.stop()
  })

  it('rejects bad options with a typed error', () => {
    expect(() => track({ deadlineMs: -1 })).toThrow(
      expect.objectContaining({ code: 'LEAKCHECK_INVALID_OPTION' }),
    )
    expect(() => track({ allow: [{ kind: 'nope' as 'timer' }] })).toThrow(
      expect.objectContaining({ code: 'LEAKCHECK_INVALID_ALLOW_RULE' }),
    )
  })
})
