import { describe, expect, it } from 'vitest'
import { fixture, lastLine, runCli } from './run.js'

// Found by a newcomer: a clean program that exits 7 could not be told from one that leaked; the
// verdict is now the last line on stderr, and `--json` prints it as data.
describe('the verdict line', () => {
  it.each([
    [
      ['clean.mjs'],
      0,
      'leakcheck: clean (node test/fixtures/cli/clean.mjs exited with code 0, nothing left open)',
    ],
    [
      ['clean.mjs', '7'],
      7,
      'leakcheck: the program failed with code 7 (node test/fixtures/cli/clean.mjs 7; nothing left open)',
    ],
    [
      ['server-left-open.mjs'],
      7,
      'leakcheck: leaked 1 handle (node test/fixtures/cli/server-left-open.mjs exited with code 0; leakcheck exits 7)',
    ],
    [
      ['crashes-with-server.mjs'],
      1,
      'leakcheck: the program failed with code 1 (node test/fixtures/cli/crashes-with-server.mjs; 1 handle left open)',
    ],
  ])('%j exits %i and says %s', async (program, code, line) => {
    const [name, ...args] = program as [string, ...string[]]
    const run = await runCli(['--', ...fixture(name, ...args)])
    expect(lastLine(run.stderr)).toBe(line)
    expect(run.code).toBe(code)
  })

  it('a program that exits 7 by itself is "failed with code 7", not "leaked"', async () => {
    const run = await runCli(['--json', '--', ...fixture('clean.mjs', '7')])
    expect(JSON.parse(lastLine(run.stdout))).toMatchObject({
      verdict: 'failed',
      exitCode: 7,
      leaks: [],
    })
    expect(run.code).toBe(7)
  })
})

describe('--json', () => {
  it("prints one JSON line on stdout after the program's own output, and nothing on stderr", async () => {
    const run = await runCli(['--json', '--', ...fixture('server-left-open.mjs')])
    expect(run.stdout.startsWith('listening\n')).toBe(true)
    expect(run.stderr).toBe('')
    const json = JSON.parse(lastLine(run.stdout))
    expect(json).toMatchObject({
      verdict: 'leaked',
      exitCode: 7,
      command: ['node', 'test/fixtures/cli/server-left-open.mjs'],
      commandExitCode: 0,
      signal: null,
      program: { main: 'test/fixtures/cli/server-left-open.mjs', exitCode: 0 },
    })
    expect(json.leaks).toHaveLength(1)
    expect(json.leaks[0]).toMatchObject({ kind: 'tcp-server', state: 'active' })
    expect(json.report).toMatch(/TCP server listening on 127\.0\.0\.1:\d+ \(active\)/)
    expect(run.code).toBe(7)
  })

  it('a clean run', async () => {
    const run = await runCli(['--json', '--', ...fixture('clean.mjs')])
    expect(JSON.parse(lastLine(run.stdout))).toMatchObject({
      verdict: 'clean',
      exitCode: 0,
      leaks: [],
      report: '',
    })
    expect(run.code).toBe(0)
  })

  it('a timeout: verdict timed-out with what kept it alive', async () => {
    const run = await runCli(['--json', '--timeout', '1500', '--', ...fixture('hangs.mjs')])
    const json = JSON.parse(lastLine(run.stdout))
    expect(json).toMatchObject({ verdict: 'timed-out', exitCode: 124 })
    expect(
      json.leaks.map((leak: { kind: string; delayMs: number }) => [leak.kind, leak.delayMs]),
    ).toEqual([['interval', 1000]])
    expect(run.code).toBe(124)
  })
})
