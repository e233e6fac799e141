import { describe, expect, it } from 'vitest'
import { applicability, isSignalDeath } from '../src/platform.js'
import { SCENARIOS, type Scenario } from '../src/scenarios.js'

const byId = (id: string): Scenario => {
  const scenario = SCENARIOS.find((s) => s.id === id)
  if (!scenario) throw new Error(`no scenario ${id}`)
  return scenario
}

describe('applicability', () => {
  it('applies every scenario to @foo/client on linux and darwin', () => {
    for (const platform of ['linux', 'darwin'] as const) {
      for (const scenario of SCENARIOS) {
        expect(applicability(scenario, 'client', platform), scenario.id).toEqual({
          applicable: true,
        })
      }
    }
  })

  it('marks gracefulShutdown cases not applicable to the baselines, on every platform', () => {
    for (const library of ['undici', 'fetch'] as const) {
      const fit = applicability(byId('sigterm-graceful'), library, 'linux')
      expect(fit).toEqual({ applicable: false, reason: `${library} has no gracefulShutdown` })
    }
  })

  it('on win32 marks every SIGTERM case not applicable: SIGTERM is never delivered', () => {
    for (const id of ['sigterm-default', 'sigterm-app-handler', 'sigterm-graceful']) {
      const fit = applicability(byId(id), 'client', 'win32')
      expect(fit.applicable).toBe(false)
      expect(fit.applicable === false && fit.reason).toMatch(/win32.*SIGTERM is never delivered/)
    }
  })

  it('on win32 marks SIGINT cases that need a handler not applicable, keeps the default one', () => {
    for (const id of ['sigint-app-handler', 'sigint-graceful']) {
      const fit = applicability(byId(id), 'client', 'win32')
      expect(fit.applicable === false && fit.reason).toMatch(/terminates without running handlers/)
    }
    expect(applicability(byId('sigint-default'), 'client', 'win32')).toEqual({ applicable: true })
  })

  it('on win32 keeps process.exit() right after requests (where nodejs/node#56645 crashed)', () => {
    expect(applicability(byId('process-exit'), 'client', 'win32')).toEqual({ applicable: true })
  })
})

describe('isSignalDeath', () => {
  it('needs the very signal on POSIX', () => {
    expect(isSignalDeath({ code: null, signal: 'SIGINT' }, 'SIGINT', 'linux')).toBe(true)
    expect(isSignalDeath({ code: null, signal: 'SIGTERM' }, 'SIGINT', 'linux')).toBe(false)
    expect(isSignalDeath({ code: 130, signal: null }, 'SIGINT', 'linux')).toBe(false)
  })

  it('accepts termination with exit code 1 on win32', () => {
    expect(isSignalDeath({ code: 1, signal: null }, 'SIGINT', 'win32')).toBe(true)
    expect(isSignalDeath({ code: 0, signal: null }, 'SIGINT', 'win32')).toBe(false)
  })
})
