/**
 * Part 4, leak-detector overhead: wall time of the generated suites (`leak-suite.mjs`) under
 * Vitest with no detector and with `leakcheck()` (default options), on the clean suite and on the
 * suite where a tenth of the tests leak; `leakcheck({ scope: 'file' })` and Vitest's own
 * `detectAsyncLeaks` on the clean suite; Jest without and with `--detectOpenHandles` on the clean
 * suite. Every variant interleaved, repeated.
 *
 * The leaking suite fails under leakcheck by design, so its runs are compared by wall time, and
 * each run's reports are counted: a detector that stopped reporting would look fast.
 *
 * @module
 */

import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { runNode, startServer } from '@foo/testkit'
import { installCopy } from '../install.mjs'
import { LEAK_PORT_ENV, writeLeakSuite } from '../leak-suite.mjs'
import { emitResult, log, partOptions } from '../part.mjs'
import { interleave, summarize } from '../stats.mjs'

const { quick } = partOptions()
// The runs the targets compare get more rounds; the slow peers' runs get fewer.
const rounds = quick ? 1 : 7
const peerRounds = quick ? 1 : 3
const tests = quick ? 90 : 300
const require = createRequire(import.meta.url)
const dir = fileURLToPath(new URL('../../.cache/leak-suite', import.meta.url))
const suite = writeLeakSuite(dir, tests)
// Installed as users get it: through the workspace link, the setup file sits outside
// node_modules and Vitest transforms it for every test file like user code.
installCopy('leakcheck', dir)
/** @param {string} name @param {string} bin */
const binOf = (name, bin) => join(dirname(require.resolve(`${name}/package.json`)), bin)
const vitestBin = binOf('vitest', 'vitest.mjs')
const jestBin = binOf('jest', 'bin/jest.js')

// What the leaking suite's sockets connect to: a server outside the test processes, so that each
// is a socket leak of its own and not a connection of a server in the test's process.
const target = await startServer()
const leakPort = String(target.port)

/**
 * @typedef {object} Variant
 * @property {'vitest' | 'jest'} runner
 * @property {'clean' | 'leaking'} suite
 * @property {string} name the detector: `none`, `leakcheck`, `leakcheck-file`...
 * @property {string[]} args
 * @property {number} rounds
 */

/** @param {'clean' | 'leaking'} name @param {string} detector @returns {Variant} */
const vitest = (name, detector) => ({
  runner: 'vitest',
  suite: name,
  name: detector,
  args: [vitestBin, 'run', '--config', String(suite.vitest[name][detector])],
  rounds: detector === 'detectAsyncLeaks' ? peerRounds : rounds,
})

/** @type {Variant[]} */
const variants = [
  vitest('clean', 'none'),
  vitest('clean', 'leakcheck'),
  vitest('clean', 'leakcheck-file'),
  vitest('leaking', 'none'),
  vitest('leaking', 'leakcheck'),
  vitest('clean', 'detectAsyncLeaks'),
  {
    runner: 'jest',
    suite: 'clean',
    name: 'none',
    args: [jestBin, '--config', suite.jest],
    rounds: peerRounds,
  },
  {
    runner: 'jest',
    suite: 'clean',
    name: 'detectOpenHandles',
    args: [jestBin, '--config', suite.jest, '--detectOpenHandles'],
    rounds: peerRounds,
  },
]

/**
 * What leakcheck must have said about a run of `suite`: one report (`LeakError`) per leaking
 * test, and the same number of leaks in its closing line; none on the clean suite.
 * @param {Variant} variant
 */
function expectedReports(variant) {
  if (!variant.name.startsWith('leakcheck')) return undefined
  return variant.suite === 'leaking' ? suite.leakingTests : 0
}

// Vitest colours its output even with FORCE_COLOR=0 when it thinks the terminal can take it.
// biome-ignore lint/suspicious/noControlCharactersInRegex: the escape is what is matched
const ansi = /\x1b\[[0-9;]*m/g

/** @param {Variant} variant */
async function timeRun(variant) {
  const run = await runNode(variant.args, {
    cwd: dir,
    env: { ...process.env, CI: '1', FORCE_COLOR: '0', NO_COLOR: '1', [LEAK_PORT_ENV]: leakPort },
    timeoutMs: 600_000,
  })
  const output = `${run.stdout}\n${run.stderr}`.replace(ansi, '')
  // The detector's own closing line: how many tests it checked and leaks it found.
  const summary = output.match(/^leakcheck: .*$/m)?.[0]
  const summaryLeaks = Number(summary?.match(/, (\d+) leaks?,/)?.[1] ?? Number.NaN)
  const reports = output.match(/^LeakError: Test ".*" left handles open\.$/gm)?.length ?? 0
  return {
    ms: run.ms,
    code: run.timedOut ? 'timeout' : run.code,
    output,
    summary,
    summaryLeaks,
    reports,
  }
}

/**
 * @type {Record<string, { ms: number[], codes: Array<number | string | null>, reports: number[],
 *   summaryLeaks: number[], summary?: string }>}
 */
const samples = {}
const maxRounds = Math.max(...variants.map((variant) => variant.rounds))
for (let round = 0; round < maxRounds; round++) {
  const due = variants.filter((variant) => round < variant.rounds)
  for (const variant of interleave(due, round)) {
    const key = `${variant.runner} ${variant.suite} ${variant.name}`
    const run = await timeRun(variant)
    const expected = expectedReports(variant)
    log(
      `leakcheck round ${round + 1}/${maxRounds}: ${key} ${Math.round(run.ms)} ms, exit code ${run.code}` +
        (expected === undefined ? '' : `, ${run.reports} of ${expected} leak reports`),
    )
    // The leaking suite fails under leakcheck by design; anything else that fails is shown.
    const fails = expected !== undefined && expected > 0
    if ((run.code !== 0) !== fails || (expected !== undefined && run.reports !== expected))
      process.stderr.write(run.output.slice(-3000))
    samples[key] ??= { ms: [], codes: [], reports: [], summaryLeaks: [] }
    samples[key].ms.push(run.ms)
    samples[key].codes.push(run.code)
    samples[key].reports.push(run.reports)
    samples[key].summaryLeaks.push(run.summaryLeaks)
    if (run.summary) samples[key].summary = run.summary
  }
}
await target.close()

emitResult({
  rounds,
  peerRounds,
  tests: suite.tests,
  files: suite.files,
  leakingTests: suite.leakingTests,
  leaksByKind: suite.leaksByKind,
  rows: variants.map((variant) => {
    const s = samples[`${variant.runner} ${variant.suite} ${variant.name}`] ?? {
      ms: [],
      codes: [],
      reports: [],
      summaryLeaks: [],
    }
    const expected = expectedReports(variant)
    return {
      runner: variant.runner,
      suite: variant.suite,
      name: variant.name,
      ms: summarize(s.ms),
      exitCodes: s.codes,
      ...(expected !== undefined && {
        expectedReports: expected,
        reports: s.reports,
        summaryLeaks: s.summaryLeaks,
        detectorSummary: s.summary,
      }),
    }
  }),
})
