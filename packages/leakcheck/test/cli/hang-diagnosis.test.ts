import { describe, expect, it } from 'vitest'
import { fixture, runCli } from './run.js'

// Found in review: the --timeout diagnosis listed the runtime's own resources
// (`FILEHANDLE (unknown stack trace)`, `DNSCHANNEL`) beside the program's.
describe('--timeout diagnosis', () => {
  it("shows the user's handles only, with why-is-node-running's extra kinds", async () => {
    const run = await runCli(['--timeout', '3000', '--', ...fixture('hangs-noisy.mjs')])
    expect(run.stdout).toContain('started')
    expect(run.code).toBe(124)
    expect(run.stderr).toContain('Interval of 1000 ms (active)')
    expect(run.stderr).toContain('at test/fixtures/cli/hangs-noisy.mjs:19:1')
    // A ref'd MessagePort: not tracked by leakcheck, found by why-is-node-running, the user's.
    expect(run.stderr).toMatch(
      /Also keeping it alive \(from why-is-node-running\):\n\n# MESSAGEPORT\ntest\/fixtures\/cli\/hangs-noisy\.mjs:17 +- const \{ port1 \} = new MessageChannel\(\)/,
    )
    expect(run.stderr).not.toContain('FILEHANDLE')
    expect(run.stderr).not.toContain('DNSCHANNEL')
    expect(run.stderr).not.toContain('unknown stack trace')
    expect(run.stderr).not.toContain('dist/')
  })
})
