import { beforeAll, describe, expect, it } from 'vitest'
import { lineOf } from '../helpers/fixture-source.js'
import { fileMessage, runVitest, testResult, type VitestRun } from '../helpers/run-vitest.js'

// Three `vitest run`s in parallel: `options` (mode 'warn', allow rules, per-test opt-out),
// `scope-file` (scope: 'file') and `setup-only` (the setup file in setupFiles, no plugin).
let warn: VitestRun
let fileScope: VitestRun
let setupOnly: VitestRun
beforeAll(async () => {
  ;[warn, fileScope, setupOnly] = await Promise.all([
    runVitest('options'),
    runVitest('scope-file'),
    runVitest('setup-only'),
  ])
}, 120_000)

describe("mode: 'warn', allow and the per-test opt-out", () => {
  it('exits 0 and prints the leak as a warning', () => {
    expect(warn.code).toBe(0)
    for (const test of warn.files.get('options.spec.ts')?.assertionResults ?? []) {
      expect(test.status, test.title).toBe('passed')
    }
    expect(warn.stderr).toContain("[leakcheck] warning (mode: 'warn', the run is not failed)")
    expect(warn.stderr).toContain('test: options.spec.ts > warns about a leaked server')
    expect(warn.stderr).toContain(
      lineOf('options/options.spec.ts', "const server = net.createServer().listen(0, '127.0.0.1')"),
    )
  })

  it('reports nothing allowed by kind or by creator, nor from opted-out tests and suites', () => {
    const output = warn.stdout + warn.stderr
    expect(output.match(/root causes? \(\d+ open handles?\)/g)).toHaveLength(1)
    expect(output).not.toContain('UDP socket')
    for (const title of ['allowed by creator', 'opted out', 'inherits the opt-out']) {
      expect(output).not.toContain(`> ${title}`)
    }
    expect(output).not.toContain('Interval of 1000 ms')
    expect(warn.stdout).toMatch(
      /^leakcheck: 3 tests checked in 1 file, 1 leak, 0 warnings, 0 handles closed by GC$/m,
    )
  })
})

describe("scope: 'file'", () => {
  it('lets a handle outlive its test, and blames what the file left open on the test that opened it', () => {
    expect(fileScope.code).toBe(1)
    for (const test of fileScope.files.get('scope-file.spec.ts')?.assertionResults ?? []) {
      expect(test.status, test.title).toBe('passed')
    }
    const message = fileMessage(fileScope, 'scope-file.spec.ts')
    expect(message).toContain('1 root cause (1 open handle)')
    expect(message).toContain('Interval of 1000 ms')
    expect(message).toContain('test: scope-file.spec.ts > leaks an interval nobody clears')
    expect(message).not.toContain('TCP server')
    expect(fileScope.stdout).toMatch(/^leakcheck: 3 tests checked in 1 file, 1 leak, /m)
  })
})

describe("setupFiles: ['@foo/leakcheck/setup'] without the plugin", () => {
  it('checks with the defaults: the leak fails, the clean test passes, no summary', () => {
    expect(setupOnly.code).toBe(1)
    const leaking = testResult(setupOnly, 'setup-only.spec.ts', 'leaks a server without the plugin')
    expect(leaking.status).toBe('failed')
    expect(leaking.failureMessages.join('\n')).toMatch(/TCP server listening on 127\.0\.0\.1:\d+/)
    expect(testResult(setupOnly, 'setup-only.spec.ts', 'clean without the plugin').status).toBe(
      'passed',
    )
    expect(setupOnly.stdout).not.toMatch(/^leakcheck: /m)
  })
})
