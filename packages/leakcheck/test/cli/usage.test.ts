import { describe, expect, it } from 'vitest'
import { parseArguments } from '../../src/cli/arguments.js'
import { fixture, runCli } from './run.js'

describe('bad usage', () => {
  it.each([
    [[], /No program given/],
    [['--', 'python', 'app.py'], /must start with node, got python/],
    [['--', 'node'], /No script given after node/],
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
    expect(parseArguments(['--timeout=50', '--', 'node', 'a.js', '--x'])).toEqual({
      help: false,
      timeoutMs: 50,
      command: ['node', 'a.js', '--x'],
    })
    expect(parseArguments(['node', 'a.js']).command).toEqual(['node', 'a.js'])
    expect(() => parseArguments(['--', 'node'])).toThrow(
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
    // why-is-node-running's own listing follows ours.
    expect(run.stderr).toMatch(/There are \d+ handle\(s\) keeping the process running/)
    expect(run.ms).toBeLessThan(20_000)
  })
})
