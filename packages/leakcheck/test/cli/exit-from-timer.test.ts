import { describe, expect, it } from 'vitest'
import { fixture, lastLine, runCli } from './run.js'

// Found by a newcomer: `setTimeout(() => process.exit(0), 10)` exited 7 with "Timer of 10 ms
// (active)": the timer whose callback ends the program was reported as left open.
describe('a program that exits from a timer callback', () => {
  it.each(['timeout', 'interval'])('from a %s: clean, exit 0', async (kind) => {
    const run = await runCli(['--', ...fixture('exits-from-timer.mjs', kind)])
    expect(run.stderr).not.toContain('Timer of 10 ms')
    expect(run.stderr).not.toContain('Interval of 10 ms')
    expect(lastLine(run.stderr)).toMatch(/^leakcheck: clean \(/)
    expect(run.code).toBe(0)
  })

  it('another timer still pending then is still a leak', async () => {
    const run = await runCli(['--', ...fixture('exits-from-timer.mjs', 'timeout', 'pending')])
    expect(run.stderr).toContain('Timer of 60000 ms (active)')
    expect(run.stderr).not.toContain('Timer of 10 ms')
    expect(run.code).toBe(7)
  })
})
