import { beforeAll, describe, expect, it } from 'vitest'
import { runVitest, testResult, type VitestRun } from '../helpers/run-vitest.js'

// One `vitest run` over the fixture project `clean`: code that cleans up (sometimes late, through
// a server's afterAll, GC, or under fake timers and nock) must not be reported.
let run: VitestRun
beforeAll(async () => {
  run = await runVitest('clean')
}, 120_000)

function passed(file: string, title: string): void {
  const result = testResult(run, file, title)
  expect(result.failureMessages.join('\n'), `${file} > ${title}`).toBe('')
  expect(result.status).toBe('passed')
}

describe('clean tests pass with the plugin on', () => {
  it('exits 0 with no leak reported', () => {
    expect(run.stdout + run.stderr).not.toMatch(/Leak(check)?Error/)
    expect(run.stdout + run.stderr).not.toContain('open handle')
    expect(run.code).toBe(0)
    for (const file of run.files.values()) expect(file.message, file.name).toBe('')
  })

  it('a server closed in afterAll while the tests used fetch', () => {
    passed('server-fetch.spec.ts', 'fetch one')
    passed('server-fetch.spec.ts', 'fetch two')
  })

  it('a socket whose close completes a tick later, a server closed without awaiting', () => {
    passed('close-later.spec.ts', 'a socket whose close completes a tick later')
    passed('close-later.spec.ts', 'a server closed without waiting for its callback')
  })

  it("unref'd timers, fake timers left pending or still installed", () => {
    passed('timers.spec.ts', 'unref timers')
    passed('timers.spec.ts', 'a timer that fires before the check')
    passed('timers.spec.ts', 'fake timers left pending')
    passed('timers.spec.ts', 'fake timers still installed when the test ends')
  })

  it("handles closed by the test's own cleanups: onTestFinished, afterEach, aroundEach, fixtures", () => {
    passed('cleanup-hooks.spec.ts', 'closed in onTestFinished')
    passed('cleanup-hooks.spec.ts', 'closed in afterEach')
    passed('cleanup-hooks.spec.ts', 'closed after runTest() in the file’s own aroundEach')
    passed('cleanup-hooks.spec.ts', 'closed by a test fixture')
  })

  it('nock with net connect disabled', () => {
    passed('nock.spec.ts', 'nock intercepts fetch with net connect disabled')
  })

  it("a library's unref'd BroadcastChannel (msw 2's pattern): it keeps nothing alive", () => {
    passed(
      'library-channel.spec.ts',
      "a library's unref'd BroadcastChannel, opened when it is imported",
    )
  })

  it("a response aborted mid-body (h3's pattern): its socket is still closing when the test ends", () => {
    for (let round = 1; round <= 10; round++)
      passed(
        'abort-stream.spec.ts',
        `a response aborted mid-body, the server's stream seen destroyed (${round})`,
      )
  })

  it('a child process awaited', () => {
    passed('child.spec.ts', 'a child process awaited')
    passed('child.spec.ts', 'a spawned child awaited until it exits')
  })

  it('@foo/client as documented: a module-level SDK never closed, clients dropped without close', () => {
    passed('client.spec.ts', 'an SDK instance at module level, never closed')
    passed('client.spec.ts', 'the same instance, used by the next test')
    passed('client.spec.ts', 'a @foo/client dropped without close')
    passed(
      'client.spec.ts',
      'a @foo/client dropped with its response unread: closed by its finalizer after a GC',
    )
    // Only what a finalizer closed counts as closed by GC: here, the one dropped mid-response.
    expect(run.stdout).toMatch(
      /^leakcheck: 30 tests checked in 9 files, 0 leaks, 0 warnings, 1 handle closed by GC$/m,
    )
  })
})
