import { spawn } from 'node:child_process'
import { pathToFileURL } from 'node:url'
import { describe, expect, it } from 'vitest'
import { registerPath } from '../../src/cli/run.js'
import { type CliRun, fixture, packageDir, runCli } from './run.js'

function runWithPreload(script: string[]): Promise<CliRun> {
  const started = performance.now()
  const [, file, ...args] = script as [string, string, ...string[]]
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', pathToFileURL(registerPath()).href, file, ...args],
      { cwd: packageDir, stdio: ['ignore', 'pipe', 'pipe'] },
    )
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (c: string) => {
      stdout += c
    })
    child.stderr.setEncoding('utf8').on('data', (c: string) => {
      stderr += c
    })
    child.once('error', reject)
    child.once('close', (code) =>
      resolve({ code, stdout, stderr, ms: performance.now() - started }),
    )
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
    expect(run.stderr).toBe('')
    expect(run.code).toBe(0)
  })
})
