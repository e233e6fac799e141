import { beforeAll, describe, expect, it } from 'vitest'
import { lineOf } from '../helpers/fixture-source.js'
import { fileMessage, runVitest, testResult, type VitestRun } from '../helpers/run-vitest.js'

// The fixture project `ownership`, one `vitest run` per pool (and one with scope: 'file'): who is
// blamed for what, with the default options. Each file there is one pattern found in public test
// suites (see its comments).
const POOLS = ['forks', 'threads', 'vmForks', 'vmThreads'] as const
const runs = new Map<string, VitestRun>()
let fileScope: VitestRun

beforeAll(async () => {
  // Two at a time: the machine has two cores.
  for (const pair of [POOLS.slice(0, 2), POOLS.slice(2)]) {
    const done = await Promise.all(
      pair.map((pool) => runVitest('ownership', { args: [`--pool=${pool}`] })),
    )
    for (const [i, pool] of pair.entries()) runs.set(pool, done[i] as VitestRun)
  }
  fileScope = await runVitest('ownership', { env: { LEAKCHECK_SCOPE: 'file' } })
}, 600_000)

const status = (run: VitestRun, file: string, title: string) => testResult(run, file, title).status
const failure = (run: VitestRun, file: string, title: string) =>
  testResult(run, file, title).failureMessages.join('\n')

describe.each(POOLS)('in the %s pool', (pool) => {
  const run = () => runs.get(pool) as VitestRun

  it('pools and clients created at file level and closed in afterAll pass, test by test and at the end', () => {
    for (const test of run().files.get('agents.spec.ts')?.assertionResults ?? []) {
      expect(test.failureMessages.join('\n'), test.title).toBe('')
    }
    expect(run().files.get('agents.spec.ts')?.assertionResults).toHaveLength(6)
    expect(fileMessage(run(), 'agents.spec.ts')).toBe('')
  })

  it('an SDK instance at module level, never closed, as @foo/client advises, passes', () => {
    expect(status(run(), 'sdk.spec.ts', 'the SDK answers')).toBe('passed')
    expect(status(run(), 'sdk.spec.ts', 'and answers again in the next test')).toBe('passed')
    expect(fileMessage(run(), 'sdk.spec.ts')).toBe('')
  })

  it('a test asserting that request state is garbage-collected passes: the tracker holds nothing', () => {
    expect(failure(run(), 'gc.spec.ts', 'request state is collected')).toBe('')
    expect(failure(run(), 'gc.spec.ts', 'request state is collected with the check off')).toBe('')
  })

  it('work that outlives its test is blamed on the test that started it, a file server’s on the file', () => {
    const upload = failure(run(), 'causes.spec.ts', 'starts an upload and does not wait for it')
    expect(upload).toMatch(/Interval of 20 ms/)
    expect(upload).toContain(lineOf('ownership/causes.spec.ts', 'const progress = setInterval('))
    expect(
      status(run(), 'causes.spec.ts', 'an unrelated test that runs while the upload goes on'),
    ).toBe('passed')
    expect(status(run(), 'causes.spec.ts', 'a request to the file server')).toBe('passed')
    const file = fileMessage(run(), 'causes.spec.ts')
    expect(file).toContain('Timer of 120000 ms')
    expect(file).toContain(lineOf('ownership/causes.spec.ts', 'setTimeout(() => {}, 120_000)'))
    expect(file).toContain('(module top level or beforeAll)')
  })

  it('a pooled connection left mid-request is blamed on the test that last used it', () => {
    expect(
      status(run(), 'causes.spec.ts', 'opens a keep-alive connection and finishes with it'),
    ).toBe('passed')
    const busy = failure(
      run(),
      'causes.spec.ts',
      'reuses that connection and leaves the response unread',
    )
    expect(busy).toContain('left busy by: causes.spec.ts > reuses that connection')
    expect(busy).toContain('connection opened by: causes.spec.ts > opens a keep-alive connection')
    expect(busy).toMatch(/Fix: The last request on this pooled connection was left unfinished/)
  })

  it('timers by cost: a Promise.race guard warns, a timer about to fire passes, an interval and a long timeout fail', () => {
    expect(status(run(), 'timers.spec.ts', 'a Promise.race guard left pending')).toBe('passed')
    expect(status(run(), 'timers.spec.ts', 'a timer about to fire when the test ends')).toBe(
      'passed',
    )
    expect(failure(run(), 'timers.spec.ts', 'an interval nobody clears')).toMatch(
      /Interval of 1000 ms/,
    )
    expect(failure(run(), 'timers.spec.ts', 'a two-minute timeout left pending')).toMatch(
      /Timer of 120000 ms[\s\S]*Fix: Clear it/,
    )
    const warning = run().stderr
    expect(warning).toMatch(/\[leakcheck\] warning: harmless[\s\S]*Timer of 3000 ms/)
    expect(warning).not.toMatch(/Timer of 20 ms/)
  })

  it('one forgotten server is one report, with the server’s fix, whatever connected to it', () => {
    const text = failure(
      run(),
      'one-report.spec.ts',
      'forgets its HTTP server after fetch and a raw socket used it',
    )
    expect(text).toContain('1 root cause')
    expect(text).toMatch(/TCP server listening on 127\.0\.0\.1:\d+ \(active\)\n\s+with: /)
    expect(text).toMatch(/Fix: [^\n]*server\.close/)
    expect(text).not.toMatch(/agent|socket\.destroy/)
  })

  it('servers opened at one line are one group; each keeps its own connections', () => {
    const text = failure(
      run(),
      'one-report.spec.ts',
      'three servers opened at one line, each with a connection',
    )
    expect(text).toContain('1 root cause (9 open handles)')
    expect(text).toMatch(/3x TCP server listening on/)
  })

  it('an HTTP/2 session reconnected in beforeEach is one report, as a session, when the file ends', () => {
    for (const title of ['first request', 'second request', 'third request']) {
      expect(status(run(), 'one-report.spec.ts', title)).toBe('passed')
    }
    const file = fileMessage(run(), 'one-report.spec.ts')
    expect(file).toContain('1 root cause')
    expect(file).toMatch(/HTTP\/2 session 127\.0\.0\.1:\d+ -> localhost:\d+/)
    expect(file).toMatch(/Fix: Close the HTTP\/2 session in afterAll: `session\.close\(\)`/)
  })

  it('a child that takes 600 ms to exit after kill() is waited for, not reported', () => {
    expect(failure(run(), 'settle.spec.ts', 'stops a child that takes 600 ms to exit')).toBe('')
  })

  it("the code frame is the test's line, not the other package's that opened the server", () => {
    const text = failure(
      run(),
      'frames.spec.ts',
      'a server started through another package and never closed',
    )
    expect(text).toContain('at startDevServer (vendor-sdk/lib/index.js:')
    const line = lineOf('ownership/frames.spec.ts', 'const server = startDevServer()').split(':')[1]
    expect(text).toMatch(new RegExp(String.raw`>\s+${line} \|\s+const server = startDevServer\(\)`))
  })

  it('a @foo/client the file keeps on globalThis outlives it and fails the file; one in a module const does not', () => {
    expect(status(run(), 'kept.spec.ts', 'the module-level client')).toBe('passed')
    expect(status(run(), 'kept.spec.ts', 'a client kept on globalThis')).toBe('passed')
    const file = fileMessage(run(), 'kept.spec.ts')
    expect(file).toContain(
      '@foo/client Client kept in globalThis.sharedApi, created at kept.spec.ts:',
    )
    expect(file).toContain('`await sharedApi.close()` in afterAll')
    expect(file.match(/@foo\/client Client kept in/g)).toHaveLength(1)
  })

  it('counts closed by GC only what a finalizer closed (here nothing), and the leaks by root cause', () => {
    expect(run().stdout).toMatch(
      /^leakcheck: 27 tests checked in 9 files, 10 leaks, 1 warning, 0 handles closed by GC$/m,
    )
  })
})

describe("scope: 'file'", () => {
  it('the same files: no test fails, file-level owners still do, and the SDK file passes', () => {
    for (const file of fileScope.files.values()) {
      for (const test of file.assertionResults)
        expect(test.status, `${file.name} > ${test.title}`).toBe('passed')
    }
    expect(fileMessage(fileScope, 'sdk.spec.ts')).toBe('')
    expect(fileMessage(fileScope, 'agents.spec.ts')).toBe('')
    expect(fileMessage(fileScope, 'timers.spec.ts')).toContain('Interval of 1000 ms')
  })
})
