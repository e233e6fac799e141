/**
 * Generates the test suite part 4 runs: the same tests for Vitest (ESM) and Jest (CommonJS), a
 * third each promise-heavy, socket-opening (against a server the file starts and stops) and
 * plain synchronous, ten to a file.
 *
 * @module
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

const TESTS_PER_FILE = 10

/** @param {number} index */
function testBody(index) {
  switch (index % 3) {
    case 0:
      return `test('promise-heavy ${index}', async () => {
  let sum = 0
  for (let i = 0; i < 2000; i++) sum += await Promise.resolve(i)
  expect(sum).toBe(1999000)
})`
    case 1:
      return `test('socket ${index}', async () => {
  expect(await get()).toBe('ok')
})`
    default:
      return `test('sync ${index}', () => {
  expect([3, 1, 2].sort()).toEqual([1, 2, 3])
  expect(JSON.parse(JSON.stringify({ n: ${index} }))).toEqual({ n: ${index} })
})`
  }
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

/**
 * Writes `tests` tests (a multiple of 10) under `dir`: `vitest/*.test.mjs`, `jest/*.test.cjs`,
 * one Vitest config per detector and a Jest config. Returns the config paths.
 *
 * @example
 * const suite = writeLeakSuite('/tmp/suite', 300)
 * @param {string} dir
 * @param {number} tests
 */
export function writeLeakSuite(dir, tests) {
  rmSync(dir, { recursive: true, force: true })
  mkdirSync(join(dir, 'vitest'), { recursive: true })
  mkdirSync(join(dir, 'jest'), { recursive: true })
  const files = Math.ceil(tests / TESTS_PER_FILE)
  for (let file = 0; file < files; file++) {
    const bodies = []
    for (let t = 0; t < TESTS_PER_FILE; t++) bodies.push(testBody(file * TESTS_PER_FILE + t))
    const name = `t${String(file).padStart(3, '0')}.test`
    writeFileSync(
      join(dir, 'vitest', `${name}.mjs`),
      `import http from 'node:http'\nimport { afterAll, beforeAll, expect, test } from 'vitest'\n\n${SERVER}\n\n${bodies.join('\n\n')}\n`,
    )
    writeFileSync(
      join(dir, 'jest', `${name}.cjs`),
      `const http = require('node:http')\n\n${SERVER}\n\n${bodies.join('\n\n')}\n`,
    )
  }
  const include = `include: ['vitest/**/*.test.mjs']`
  /** @type {Record<string, string>} */
  const vitestConfigs = {
    none: `export default { test: { ${include} } }\n`,
    'leakcheck-test': `import { leakcheck } from '@foo/leakcheck'\nexport default { plugins: [leakcheck({ scope: 'test' })], test: { ${include} } }\n`,
    'leakcheck-file': `import { leakcheck } from '@foo/leakcheck'\nexport default { plugins: [leakcheck({ scope: 'file' })], test: { ${include} } }\n`,
    detectAsyncLeaks: `export default { test: { ${include}, detectAsyncLeaks: true } }\n`,
  }
  /** @type {Record<string, string>} */
  const configs = {}
  for (const [variant, source] of Object.entries(vitestConfigs)) {
    configs[variant] = join(dir, `vitest.${variant}.config.mjs`)
    writeFileSync(configs[variant], source)
  }
  const jestConfig = join(dir, 'jest.config.cjs')
  writeFileSync(
    jestConfig,
    `module.exports = { rootDir: __dirname, testEnvironment: 'node', testMatch: ['<rootDir>/jest/*.test.cjs'] }\n`,
  )
  return { vitest: configs, jest: jestConfig, files, tests: files * TESTS_PER_FILE }
}
