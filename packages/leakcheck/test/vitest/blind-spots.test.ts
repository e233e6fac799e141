import { beforeAll, describe, expect, it } from 'vitest'
import { runVitest, testResult, type VitestRun } from '../helpers/run-vitest.js'

// kinds/blind-spots.spec.ts (checked in detail by kinds.test.ts in the default pool) in the other
// three pools: every handle an earlier version never saw is seen in each kind of worker.
const POOLS = ['threads', 'vmForks', 'vmThreads'] as const
const runs = new Map<string, VitestRun>()
beforeAll(async () => {
  for (const pool of POOLS) {
    runs.set(pool, await runVitest('kinds', { args: [`--pool=${pool}`, 'blind-spots.spec.ts'] }))
  }
}, 300_000)

const status = (pool: string, title: string) =>
  testResult(runs.get(pool) as VitestRun, 'blind-spots.spec.ts', title).status

describe.each(POOLS)('the %s pool', (pool) => {
  const vm = pool.startsWith('vm')
  it.each([
    'a socket made with new net.Socket() in beforeAll and connected in the test',
    'a MessagePort something listens on',
    'a BroadcastChannel',
    'an fs.promises.watch() loop never ended',
  ])('%s fails its test', (title) => {
    expect(status(pool, title)).toBe('failed')
  })

  it('a Vite dev server fails its test (Vite does not start in a vm context: skipped there)', () => {
    expect(status(pool, 'a Vite dev server started and never closed')).toBe(
      vm ? 'skipped' : 'failed',
    )
  })

  it("a timers/promises setInterval loop fails its test (in a vm context Vitest's own copy of timers/promises is not tracked)", () => {
    expect(status(pool, 'a timers/promises setInterval loop never ended')).toBe(
      vm ? 'passed' : 'failed',
    )
  })
})
