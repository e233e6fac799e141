import { pathToFileURL } from 'node:url'
import { describe, expect, it } from 'vitest'
import { registerPath } from '../../src/cli/run.js'
import { runNode } from '../helpers/run-node.js'
import { type CliRun, fixture, packageDir, runCli } from './run.js'

function runWithPreload(script: string[]): Promise<CliRun> {
  const [, file, ...args] = script as [string, string, ...string[]]
  return runNode(['--import', pathToFileURL(registerPath()).href, file, ...args], {
    cwd: packageDir,
  })
}

describe('node --import @foo/leakcheck/register (without the CLI)', () => {
  it('reports at exit and turns exit code 0 into 7', async () => {
    const run = await runWithPreload(fixture('server-left-open.mjs'))
    expect(run.code).toBe(7)
    expect(run.stderr).toMatch(/TCP server listening on 127\.0\.0\.1:\d+ \(active\)/)
  })

  it('leaves a clean program alone', async () => {
    const run = await runWithPreload(fixture('clean.mjs', '4'))
    expect(run.code).toBe(4)
    expect(run.stderr).toBe('')
  })
})

describe('children of the program', () => {
  it('a forked child inherits the preload but only the direct child reports', async () => {
    const run = await runCli(['--', ...fixture('forks-a-child.mjs')])
    expect(run.stdout).toContain('child exited 0')
    expect(run.stderr).toBe(
      'leakcheck: clean (node test/fixtures/cli/forks-a-child.mjs exited with code 0, nothing left open)\n',
    )
    expect(run.code).toBe(0)
  })
})
