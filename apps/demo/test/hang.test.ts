import { clientEntry, currentNode, platformRules, type Scenario } from '@foo/testkit'
import { expect, it } from 'vitest'
import { type RunContext, runScenario } from '../src/run.js'

const hang: Scenario = {
  id: 'hang',
  title: 'never ends',
  program: new URL('./fixtures/hang.mjs', import.meta.url).href,
  expect: { exit: { code: 0 }, maxExitMs: 3000 },
}

it.runIf(platformRules(process.platform).sigusr1)(
  'kills a program that does not exit in time and says what kept it alive (why-is-node-running)',
  async () => {
    const context: RunContext = {
      node: currentNode(),
      clientEntry: clientEntry(import.meta.url),
      timeoutMs: 1500,
      platform: process.platform,
    }
    const result = await runScenario(hang, 'undici', context, async () => ({ verdict: 'clean' }))
    expect(result.status).toBe('fail')
    expect(result.seenExit).toBe('timeout')
    expect(result.reasons).toContain('did not exit in time: killed')
    expect(result.leakcheck.verdict).toBe('n/a')
    expect(result.diagnosis).toMatch(/There are \d+ handle\(s\) keeping the process running/)
    expect(result.diagnosis).toMatch(/hang\.mjs/)
  },
)
