import { beforeAll, expect, it } from 'vitest'
import { lineOf } from '../helpers/fixture-source.js'
import { runVitest, testResult, type VitestRun } from '../helpers/run-vitest.js'

// One `vitest run` with four inline projects, one per pool (two with `extends: true`, two
// without): the plugin must reach each, and the check must run inside each kind of worker.
let run: VitestRun
beforeAll(async () => {
  run = await runVitest('pools')
}, 120_000)

it.each([
  ['threads', 'threads.spec.ts'],
  ['forks', 'forks.spec.ts'],
  ['vm-threads', 'vm-threads.spec.ts'],
  ['vm-forks', 'vm-forks.spec.ts'],
])('the %s pool fails the leaking test and passes the clean one', (pool, file) => {
  const leaking = testResult(run, file, `${pool}: leaks a server`)
  expect(leaking.status).toBe('failed')
  const message = leaking.failureMessages.join('\n')
  expect(message).toMatch(/TCP server listening on 127\.0\.0\.1:\d+ \(active\)/)
  expect(message).toContain(`test: ${file} > ${pool}: leaks a server`)
  expect(message).toContain(lineOf('pools/leaky.ts', "server.listen(0, '127.0.0.1')"))
  expect(testResult(run, file, `${pool}: closes its server`).status).toBe('passed')
})

it('exits non-zero, each leak reported once, one summary for all projects', () => {
  expect(run.code).toBe(1)
  expect(run.stdout.match(/^leakcheck: .*$/gm)).toEqual([
    'leakcheck: 8 tests checked in 4 files, 4 leaks, 0 warnings, 0 handles closed by GC',
  ])
})
