import { describe, expect, it } from 'vitest'
import {
  currentNode,
  judge,
  platformRules,
  programPath,
  runChild,
  type Scenario,
  scenario,
} from '../src/index.js'

// The harness itself, with a baseline library (@foo/client's own runs are its exit-path tests).
describe('runChild', () => {
  // node-http too: the bench's floor, the one peer with no client library in the program.
  for (const library of ['undici', 'node-http'] as const) {
    it(`runs a program against its own observer and returns what judge() reads (${library})`, async () => {
      const natural = scenario('natural-end')
      const outcome = await runChild(natural, library, currentNode())
      expect(outcome.exit).toEqual({ code: 0, signal: null })
      expect(outcome.timedOut).toBe(false)
      expect(outcome.markers.map((m) => m.event)).toEqual(['last-response'])
      // One API object per protocol: the server saw both.
      expect(new Set(outcome.connections.map((c) => c.protocol))).toEqual(
        new Set(['http', 'https']),
      )
      const verdict = judge(natural, library, outcome, process.platform)
      expect(verdict).toMatchObject({ status: 'pass', seenExit: 'exit 0' })
      expect(verdict.msToExit).toBeLessThan(natural.expect.maxExitMs)
    })
  }

  it.runIf(platformRules(process.platform).sigterm)(
    'sends the signal once the in-flight requests reached the server, and notes when',
    async () => {
      const sigterm = scenario('sigterm-default')
      const outcome = await runChild(sigterm, 'fetch', currentNode())
      expect(outcome.exit).toEqual({ code: null, signal: 'SIGTERM' })
      expect(outcome.signalAt).toBeGreaterThan(
        outcome.markers.find((m) => m.event === 'in-flight')?.at ?? Number.POSITIVE_INFINITY,
      )
      expect(outcome.connections.some((c) => c.requests > c.responses)).toBe(true)
      expect(judge(sigterm, 'fetch', outcome, process.platform).status).toBe('pass')
    },
  )

  it('kills a program that outlives its timeout, after asking onTimeout', async () => {
    const hang: Scenario = {
      id: 'never-ends',
      title: 'never ends',
      program: new URL('./fixtures/never-ends.mjs', import.meta.url).href,
      expect: { exit: { code: 0 }, maxExitMs: 3000 },
    }
    expect(programPath(hang)).toMatch(/never-ends\.mjs$/)
    let asked = false
    const outcome = await runChild(hang, 'undici', currentNode(), {
      timeoutMs: 1500,
      onTimeout: async () => {
        asked = true
      },
    })
    expect(asked).toBe(true)
    expect(outcome).toMatchObject({ timedOut: true, exitAt: undefined })
    expect(judge(hang, 'undici', outcome, process.platform).reasons).toContain(
      'did not exit in time: killed',
    )
  })
})
