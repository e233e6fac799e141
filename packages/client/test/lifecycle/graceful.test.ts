import { platformRules } from '@foo/testkit'
import { describe, expect, it } from 'vitest'
import { gracefulShutdown } from '../../src/lifecycle.js'

// Signal delivery itself is tested in real child processes (test/exit-paths/scenarios.test.ts).
describe('gracefulShutdown() installation', () => {
  it('installs its listeners once however often it is called, and removes them with the last uninstall', () => {
    const before = { int: process.listenerCount('SIGINT'), term: process.listenerCount('SIGTERM') }
    const first = gracefulShutdown()
    const second = gracefulShutdown({ timeoutMs: 1 })
    expect(process.listenerCount('SIGINT')).toBe(before.int + 1)
    for (const signal of platformRules(process.platform).shutdownSignals) {
      expect(process.listenerCount(signal), signal).toBeGreaterThan(0)
    }
    first()
    first()
    expect(process.listenerCount('SIGINT')).toBe(before.int + 1)
    second()
    expect(process.listenerCount('SIGINT')).toBe(before.int)
    expect(process.listenerCount('SIGTERM')).toBe(before.term)
  })

  it('rejects bad options with FOO_ERR_INVALID_ARGUMENT', () => {
    const sigintBefore = process.listenerCount('SIGINT')
    const bad = [
      () => gracefulShutdown({ signals: [] }),
      () => gracefulShutdown({ signals: ['INT' as NodeJS.Signals] }),
      () => gracefulShutdown({ timeoutMs: -1 }),
      () => gracefulShutdown({ timeoutMs: Number.NaN }),
      () => gracefulShutdown(null as never),
    ]
    for (const call of bad)
      expect(call).toThrow(expect.objectContaining({ code: 'FOO_ERR_INVALID_ARGUMENT' }))
    expect(process.listenerCount('SIGINT')).toBe(sigintBefore)
  })
})
