import { readFileSync } from 'node:fs'
import path from 'node:path'
import { startServer, type TestServer } from '@foo/testkit'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { codeBlock, readme } from '../helpers/readme.js'
import { FIXTURES_DIR, runVitest, testResult, type VitestRun } from '../helpers/run-vitest.js'

// The README's Vitest examples are the files of the fixture project `readme`, verbatim, and run
// here: the one-line config, the shared Agent closed in afterAll, the SDK at module level and the
// timer policy.
const files = {
  'vitest.config.ts': 'export default defineConfig({ plugins: [leakcheck()] })',
  'shared-agent.spec.ts': 'const agent = new Agent() // shared by every test of the file',
  'sdk.spec.ts': 'never closed: not a leak',
  'timers.spec.ts': "test('polls forever'",
}

let api: TestServer
let run: VitestRun
beforeAll(async () => {
  api = await startServer({
    handler: (_req, res) => res.setHeader('content-type', 'application/json').end('{"ok":true}'),
  })
  run = await runVitest('readme', { env: { API_URL: api.origin } })
}, 120_000)
afterAll(() => api.close())

describe('the README examples', () => {
  it.each(Object.entries(files))('%s is the README block, verbatim', (file, needle) => {
    const source = readFileSync(path.join(FIXTURES_DIR, 'readme', file), 'utf8')
    expect(source).toBe(codeBlock(readme('leakcheck'), needle))
  })

  it('a file-level Agent closed in afterAll passes, test by test and at the end of the file', () => {
    for (const title of ['GET /', 'GET / again, on the same keep-alive connection']) {
      expect(testResult(run, 'shared-agent.spec.ts', title).status).toBe('passed')
    }
    expect(run.files.get('shared-agent.spec.ts')?.message).toBe('')
  })

  it('an SDK instance at module level, never closed, passes', () => {
    expect(testResult(run, 'sdk.spec.ts', 'the API is healthy').failureMessages).toEqual([])
    expect(run.files.get('sdk.spec.ts')?.message).toBe('')
  })

  it('the Promise.race guard is a warning; the interval fails', () => {
    expect(testResult(run, 'timers.spec.ts', 'answers before the 3 s guard').status).toBe('passed')
    expect(run.stderr).toMatch(/\[leakcheck\] warning[\s\S]*Timer of 3000 ms/)
    const interval = testResult(run, 'timers.spec.ts', 'polls forever')
    expect(interval.status).toBe('failed')
    expect(interval.failureMessages.join('\n')).toMatch(/Interval of 1000 ms[\s\S]*clearInterval/)
    expect(run.stdout).toMatch(
      /^leakcheck: 5 tests checked in 3 files, 1 leak, 1 warning, 0 handles closed by GC$/m,
    )
  })
})
