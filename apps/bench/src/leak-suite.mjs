/**
 * Generates the test suites part 4 runs.
 *
 * - The clean suite: the same tests for Vitest (ESM) and Jest (CommonJS), a third each
 *   promise-heavy, socket-opening (against a server the file starts and stops) and plain
 *   synchronous, ten to a file. Nothing is left open.
 * - The leaking suite (Vitest): the same files, where the last test of each file also leaves open
 *   something `leakcheck()` fails a test for, by file in turn: a listening server, a connected
 *   socket, an interval. A tenth of the tests leak, one root cause each.
 *
 * @module
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

const TESTS_PER_FILE = 10

/**
 * The leaks, one per leaking test. The socket connects to a server outside the test process
 * (`LEAK_SUITE_PORT`, started by the part): a socket into a server of the test's own process is
 * reported with that server instead, at the end of the file.
 */
export const LEAK_KINDS = /** @type {const} */ (['server', 'socket', 'interval'])

/** The environment variable with the port the leaking sockets connect to. */
export const LEAK_PORT_ENV = 'LEAK_SUITE_PORT'

/** @type {Record<(typeof LEAK_KINDS)[number], { title: string, statement: string }>} */
const LEAKS = {
  server: {
    title: 'leaves a server listening',
    statement: `  await new Promise((resolve) => http.createServer().listen(0, '127.0.0.1', resolve))`,
  },
  socket: {
    title: 'leaves a socket connected',
    statement: `  await new Promise((resolve, reject) =>
    net.connect(Number(process.env.${LEAK_PORT_ENV}), '127.0.0.1').once('connect', resolve).once('error', reject),
  )`,
  },
  interval: { title: 'leaves an interval running', statement: '  setInterval(() => {}, 1000)' },
}

/**
 * @param {number} index
 * @param {(typeof LEAK_KINDS)[number]} [leak] left open at the end of the test
 */
function testBody(index, leak) {
  const [name, lines] = /** @type {[string, string[]]} */ (
    [
      [
        `promise-heavy ${index}`,
        [
          '  let sum = 0',
          '  for (let i = 0; i < 2000; i++) sum += await Promise.resolve(i)',
          '  expect(sum).toBe(1999000)',
        ],
      ],
      [`socket ${index}`, [`  expect(await get()).toBe('ok')`]],
      [
        `sync ${index}`,
        [
          '  expect([3, 1, 2].sort()).toEqual([1, 2, 3])',
          `  expect(JSON.parse(JSON.stringify({ n: ${index} }))).toEqual({ n: ${index} })`,
        ],
      ],
    ][index % 3]
  )
  const body = leak ? [...lines, LEAKS[leak].statement] : lines
  const title = leak ? `${name}, ${LEAKS[leak].title}` : name
  const isAsync = index % 3 !== 2 || leak !== undefined
  return `test('${title}', ${isAsync ? 'async ' : ''}() => {\n${body.join('\n')}\n})`
}

const SERVER = `let server
let port
beforeAll(async () => {
  server = http.createServer((_req, res) => res.end('ok'))
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  port = server.address().port
})
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve))
})
function get() {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path: '/', agent: false }, (res) => {
        let body = ''
        res.setEncoding('utf8')
        res.on('data', (chunk) => { body += chunk })
        res.on('end', () => resolve(body))
      })
      .on('error', reject)
  })
}`

/** @param {boolean} leaking */
const vitestImports = (leaking) =>
  `import http from 'node:http'\n${leaking ? `import net from 'node:net'\n` : ''}import { afterAll, beforeAll, expect, test } from 'vitest'`

/** The detectors each suite runs under in Vitest: config name to the config's `plugins`/`test`. */
const VITEST_DETECTORS = {
  clean: ['none', 'leakcheck', 'leakcheck-file', 'detectAsyncLeaks'],
  leaking: ['none', 'leakcheck'],
}

/** @param {string} detector @param {string} include */
function vitestConfig(detector, include) {
  const test = `test: { include: ['${include}']${detector === 'detectAsyncLeaks' ? ', detectAsyncLeaks: true' : ''} }`
  switch (detector) {
    case 'leakcheck':
      // The default options, as the README's three lines set it up.
      return `import { leakcheck } from '@foo/leakcheck'\nexport default { plugins: [leakcheck()], ${test} }\n`
    case 'leakcheck-file':
      return `import { leakcheck } from '@foo/leakcheck'\nexport default { plugins: [leakcheck({ scope: 'file' })], ${test} }\n`
    default:
      return `export default { ${test} }\n`
  }
}

/**
 * Writes both suites of `tests` tests each (a multiple of 10) under `dir`:
 * `vitest/clean/*.test.mjs`, `vitest/leaking/*.test.mjs`, `jest/*.test.cjs`, one Vitest config per
 * suite and detector and a Jest config. Returns the config paths and what the leaking suite must
 * make a detector report.
 *
 * @example
 * const suite = writeLeakSuite('/tmp/suite', 300)
 * suite.vitest.leaking.leakcheck // '/tmp/suite/vitest.leaking.leakcheck.config.mjs'
 * suite.leakingTests // 30
 * @param {string} dir
 * @param {number} tests
 */
export function writeLeakSuite(dir, tests) {
  rmSync(dir, { recursive: true, force: true })
  for (const sub of ['vitest/clean', 'vitest/leaking', 'jest'])
    mkdirSync(join(dir, sub), { recursive: true })
  const files = Math.ceil(tests / TESTS_PER_FILE)
  /** @type {Record<string, number>} */
  const leaksByKind = {}
  for (let file = 0; file < files; file++) {
    const indexes = Array.from({ length: TESTS_PER_FILE }, (_, t) => file * TESTS_PER_FILE + t)
    const leak = LEAK_KINDS[file % LEAK_KINDS.length]
    if (leak) leaksByKind[leak] = (leaksByKind[leak] ?? 0) + 1
    const clean = indexes.map((index) => testBody(index))
    const leaking = indexes.map((index, t) =>
      testBody(index, t === TESTS_PER_FILE - 1 ? leak : undefined),
    )
    const name = `t${String(file).padStart(3, '0')}.test`
    writeFileSync(
      join(dir, 'vitest', 'clean', `${name}.mjs`),
      `${vitestImports(false)}\n\n${SERVER}\n\n${clean.join('\n\n')}\n`,
    )
    writeFileSync(
      join(dir, 'vitest', 'leaking', `${name}.mjs`),
      `${vitestImports(true)}\n\n${SERVER}\n\n${leaking.join('\n\n')}\n`,
    )
    writeFileSync(
      join(dir, 'jest', `${name}.cjs`),
      `const http = require('node:http')\n\n${SERVER}\n\n${clean.join('\n\n')}\n`,
    )
  }
  /** @type {Record<'clean' | 'leaking', Record<string, string>>} */
  const vitest = { clean: {}, leaking: {} }
  for (const [suite, detectors] of /** @type {const} */ (['clean', 'leaking']).map(
    (suite) => /** @type {const} */ ([suite, VITEST_DETECTORS[suite]]),
  )) {
    for (const detector of detectors) {
      const config = join(dir, `vitest.${suite}.${detector}.config.mjs`)
      writeFileSync(config, vitestConfig(detector, `vitest/${suite}/**/*.test.mjs`))
      vitest[suite][detector] = config
    }
  }
  const jest = join(dir, 'jest.config.cjs')
  writeFileSync(
    jest,
    `module.exports = { rootDir: __dirname, testEnvironment: 'node', testMatch: ['<rootDir>/jest/*.test.cjs'] }\n`,
  )
  return {
    vitest,
    jest,
    files,
    tests: files * TESTS_PER_FILE,
    leakingTests: files,
    leaksByKind,
  }
}
