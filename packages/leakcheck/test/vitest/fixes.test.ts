import { beforeAll, expect, it } from 'vitest'
import { runVitest, type VitestRun } from '../helpers/run-vitest.js'

// The fixture project `fixes`: every kind of leak the `kinds` and `ownership` fixtures report,
// with the advice of its Fix line applied. Following the advice must make the check pass.
let run: VitestRun
beforeAll(async () => {
  run = await runVitest('fixes')
}, 120_000)

it('every test passes, and the run ends with no leak and no warning', () => {
  for (const file of run.files.values()) {
    expect(file.message, file.name).toBe('')
    for (const test of file.assertionResults) {
      expect(test.failureMessages.join('\n'), `${file.name} > ${test.title}`).toBe('')
    }
  }
  expect(run.code).toBe(0)
  expect(run.stderr).not.toContain('[leakcheck] warning')
  expect(run.stdout).toMatch(/^leakcheck: 17 tests checked in 2 files, 0 leaks, 0 warnings, /m)
})
