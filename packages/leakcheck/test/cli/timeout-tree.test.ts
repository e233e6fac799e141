import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { killAll, stillAlive } from '../helpers/processes.js'
import { fixture, fixturesDir, lastLine, runCli } from './run.js'

// Found in review: --timeout exited 124 but the program's children kept running.
const started: number[] = []
afterEach(() => {
  killAll(started)
  started.length = 0
})

function pidsOf(stdout: string): number[] {
  const pids = [...stdout.matchAll(/level \d pid (\d+)/g)].map((match) => Number(match[1]))
  started.push(...pids)
  return pids
}

// Generous: three Node processes start one after the other on a shared 2-core machine.
const TIMEOUT_MS = 6000

describe.skipIf(process.platform === 'win32')('--timeout ends the whole process tree', () => {
  it('node -> node -> node: exit 124 and none of the three is left running', async () => {
    const run = await runCli(['--timeout', String(TIMEOUT_MS), '--', ...fixture('tree.mjs', '3')])
    const pids = pidsOf(run.stdout)
    expect(pids).toHaveLength(3)
    expect(run.code).toBe(124)
    expect(lastLine(run.stderr)).toMatch(
      /^leakcheck: timed out after 6000 ms \(node .*tree\.mjs 3 was still running/,
    )
    expect(run.stderr).toMatch(/Child process \(pid \d+\)/)
    expect(await stillAlive(pids)).toEqual([])
  })

  it('npm run tree (npm -> sh -> node -> node -> node): the same', async () => {
    const run = await runCli(
      ['--timeout', String(TIMEOUT_MS), '--', 'npm', 'run', 'tree'],
      {},
      path.join(fixturesDir, 'npm-app'),
    )
    const pids = pidsOf(run.stdout)
    expect(pids).toHaveLength(3)
    expect(run.code).toBe(124)
    expect(run.stderr).toContain('tree.mjs was still running after 6000 ms; these keep it alive:')
    expect(await stillAlive(pids)).toEqual([])
  })
})
