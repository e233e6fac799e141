import { describe, expect, it } from 'vitest'
import {
  applicability,
  scenario as byId,
  isSignalDeath,
  platformRules,
  SCENARIOS,
} from '../src/index.js'

describe('platformRules', () => {
  it('gives Linux and macOS the POSIX rules', () => {
    for (const platform of ['linux', 'darwin', 'freebsd'] as const) {
      expect(platformRules(platform)).toEqual({
        sigterm: true,
        handlersRunOnKill: true,
        killReportedAsExitCode1: false,
        sigusr1: true,
        shutdownSignals: ['SIGINT', 'SIGTERM'],
      })
    }
  })

  it("gives Windows its own: no SIGTERM, no handlers on kill, no SIGUSR1, Ctrl+Break's signals", () => {
    expect(platformRules('win32')).toEqual({
      sigterm: false,
      handlersRunOnKill: false,
      killReportedAsExitCode1: true,
      sigusr1: false,
      shutdownSignals: ['SIGINT', 'SIGBREAK', 'SIGHUP'],
    })
  })
})

describe('applicability', () => {
  it('applies every scenario to @foo/client, with or without preferFastExit(), on linux and darwin', () => {
    for (const platform of ['linux', 'darwin'] as const) {
      for (const scenario of SCENARIOS) {
        for (const library of ['client', 'client-fast-exit'] as const) {
          expect(applicability(scenario, library, platform), scenario.id).toEqual({
            applicable: true,
          })
        }
      }
    }
  })

  it('marks the cases of features only @foo/client has not applicable to the others', () => {
    for (const library of ['undici', 'fetch', 'got', 'ky', 'node-http'] as const) {
      const fit = applicability(byId('sigterm-graceful'), library, 'linux')
      expect(fit).toEqual({ applicable: false, reason: `${library} has no gracefulShutdown` })
    }
  })

  it('on win32 marks every SIGTERM case not applicable: SIGTERM is never delivered', () => {
    const sigterm = SCENARIOS.filter((s) => s.signal === 'SIGTERM').map((s) => s.id)
    expect(sigterm).toHaveLength(5)
    for (const id of sigterm) {
      const fit = applicability(byId(id), 'client', 'win32')
      expect(fit.applicable).toBe(false)
      expect(fit.applicable === false && fit.reason).toMatch(/win32.*SIGTERM is never delivered/)
    }
  })

  it('on win32 marks SIGINT cases that need a handler not applicable, keeps the default one', () => {
    for (const id of ['sigint-app-handler', 'sigint-graceful', 'sigint-graceful-second-signal']) {
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
