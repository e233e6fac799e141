import { applicability, clientEntry, currentNode, judge, runChild, SCENARIOS } from '@foo/testkit'
import { describe, expect, it } from 'vitest'

// Every exit path of testkit's SCENARIOS (the demo runs the same table across libraries and Node
// majors) with @foo/client, as a real child process against a server that records how each
// connection ended. `pnpm matrix -- pnpm test` runs it under every Node major.
const entry = clientEntry(import.meta.url)
const node = currentNode()

describe('exit paths with @foo/client', () => {
  for (const scenario of SCENARIOS) {
    const fit = applicability(scenario, 'client', process.platform)
    it.runIf(fit.applicable)(
      `${scenario.id}: ${scenario.title}`,
      {
        timeout: Math.max(30_000, (scenario.minTimeoutMs ?? 0) + 15_000),
      },
      async () => {
        const outcome = await runChild(scenario, 'client', node, { clientEntry: entry })
        const verdict = judge(scenario, 'client', outcome, process.platform)
        // One line per run: the figures the demo's report shows for this Node.
        console.log(
          `[exit-path] ${scenario.id}: ${verdict.seenExit} ${verdict.msToExit ?? '-'} ms after the last response; ${JSON.stringify(verdict.counts)}`,
        )
        expect(verdict.seenExit).toBe(verdict.expectedExit)
        expect(verdict.counts.total).toBeGreaterThan(0)
        expect(verdict.counts).toMatchObject({ rst: 0, open: 0, server: 0 })
        expect(verdict.reasons).toEqual([])
        expect(verdict.status).toBe('pass')
      },
    )
  }
})
