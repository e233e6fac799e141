import { describe, expect, it } from 'vitest'
import { parseArguments } from '../../src/cli/arguments.js'
import { fixture, lastLine, runCli } from './run.js'

describe('bad usage', () => {
  it.each([
    [[], /No command given\. Example: leakcheck -- node app\.js/],
    [
      ['--timeout', 'soon', '--', 'node', 'a.js'],
      /--timeout needs a whole number of milliseconds > 0, got soon/,
    ],
    [['--frobnicate', '--', 'node', 'a.js'], /Unknown option --frobnicate/],
  ])('%j exits 2 with a clear message', async (args, message) => {
    const run = await runCli(args)
    expect(run.code).toBe(2)
    expect(run.stderr).toMatch(message)
    expect(run.stderr).toContain('Usage: leakcheck')
  })

  it('--help prints the usage and exits 0', async () => {
    const run = await runCli(['--help'])
    expect(run.code).toBe(0)
    expect(run.stdout).toContain('Exit codes:')
  })

  it('parses options before the command', () => {
    expect(parseArguments(['--timeout=50', '--json', '--', 'node', 'a.js', '--x'])).toEqual({
      help: false,
      json: true,
      timeoutMs: 50,
      command: ['node', 'a.js', '--x'],
    })
    expect(parseArguments(['node', 'a.js']).command).toEqual(['node', 'a.js'])
    expect(parseArguments(['--', 'npm', 'start']).command).toEqual(['npm', 'start'])
    expect(() => parseArguments(['--json'])).toThrow(
      expect.objectContaining({ code: 'LEAKCHECK_BAD_USAGE' }),
    )
  })
})

describe('a program that hangs', () => {
  it('--timeout prints what keeps it alive and exits 124', async () => {
    const run = await runCli(['--timeout', '1500', '--', ...fixture('hangs.mjs')])
    expect(run.stdout).toContain('started')
    expect(run.code).toBe(124)
    expect(run.stderr).toMatch(/hangs\.mjs was still running after 1500 ms; these keep it alive/)
    expect(run.stderr).toContain('Interval of 1000 ms (active)')
    expect(run.stderr).toContain('at test/fixtures/cli/hangs.mjs:2:1')
    expect(lastLine(run.stderr)).toMatch(/^leakcheck: timed out after 1500 ms \(/)
    expect(run.ms).toBeLessThan(20_000)
  })
})
