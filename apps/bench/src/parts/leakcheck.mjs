/**
 * Part 4, leak-detector overhead: wall time of the generated suite under Vitest with no detector,
 * `leakcheck()` (scope test, scope file) and Vitest's own `detectAsyncLeaks`, and under Jest
 * without and with `--detectOpenHandles`; every variant interleaved, repeated.
 *
 * @module
 */
import { spawn } from 'node:child_process'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { installCopy } from '../install.mjs'
import { writeLeakSuite } from '../leak-suite.mjs'
import { emitResult, log, partOptions } from '../part.mjs'
import { interleave, summarize } from '../stats.mjs'

const { quick } = partOptions()
// The runs the targets compare get more rounds; the slow peers' runs get fewer.
const rounds = quick ? 1 : 5
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

/** @type {Array<{ name: string, runner: 'vitest' | 'jest', args: string[], rounds?: number }>} */
const variants = [
  {
    name: 'none',
    runner: 'vitest',
    args: [vitestBin, 'run', '--config', String(suite.vitest.none)],
  },
  .../** @type {const} */ (['leakcheck-test', 'leakcheck-file']).map((name) => ({
    name,
    runner: /** @type {const} */ ('vitest'),
    args: [vitestBin, 'run', '--config', String(suite.vitest[name])],
  })),
  {
    name: 'detectAsyncLeaks',
    runner: 'vitest',
    args: [vitestBin, 'run', '--config', String(suite.vitest.detectAsyncLeaks)],
    rounds: peerRounds,
  },
  { name: 'none', runner: 'jest', args: [jestBin, '--config', suite.jest], rounds: peerRounds },
  {
    name: 'detectOpenHandles',
    runner: 'jest',
    args: [jestBin, '--config', suite.jest, '--detectOpenHandles'],
    rounds: peerRounds,
  },
]

/** @param {string[]} args @returns {Promise<{ ms: number, code: number | null, output: string }>} */
function timeRun(args) {
  return new Promise((resolve, reject) => {
    const start = performance.now()
    const child = spawn(process.execPath, args, {
      cwd: dir,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, CI: '1', FORCE_COLOR: '0' },
    })
    let output = ''
    child.stdout.on('data', (chunk) => {
      output += chunk
    })
    child.stderr.on('data', (chunk) => {
      output += chunk
    })
    child.on('error', reject)
    child.on('exit', (code) => resolve({ ms: performance.now() - start, code, output }))
  })
}

/** @type {Record<string, { ms: number[], codes: Array<number | null>, summary?: string }>} */
const samples = {}
for (let round = 0; round < rounds; round++) {
  const due = variants.filter((variant) => round < (variant.rounds ?? rounds))
  for (const variant of interleave(due, round)) {
    const key = `${variant.runner} ${variant.name}`
    const { ms, code, output } = await timeRun(variant.args)
    log(`leakcheck round ${round + 1}/${rounds}: ${key} ${Math.round(ms)} ms, exit code ${code}`)
    if (code !== 0) process.stderr.write(output.slice(-3000))
    samples[key] ??= { ms: [], codes: [] }
    samples[key].ms.push(ms)
    samples[key].codes.push(code)
    // The detector's own closing line, kept as evidence that it ran and checked every test.
    const summary = output.match(/^leakcheck: .*$/m)?.[0]
    if (summary) samples[key].summary = summary
  }
}
const rows = [
  ['vitest', 'none'],
  ['vitest', 'leakcheck-test'],
  ['vitest', 'leakcheck-file'],
  ['vitest', 'detectAsyncLeaks'],
  ['jest', 'none'],
  ['jest', 'detectOpenHandles'],
].map(([runner, name]) => {
  const s = samples[`${runner} ${name}`] ?? { ms: [], codes: [] }
  return { runner, name, ms: summarize(s.ms), exitCodes: s.codes, detectorSummary: s.summary }
})
emitResult({ rounds, peerRounds, tests: suite.tests, files: suite.files, rows })
