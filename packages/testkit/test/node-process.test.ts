import { describe, expect, it } from 'vitest'
import { runNode, startNode } from '../src/index.js'

describe('startNode and runNode', () => {
  it('collects stdout, stderr, the exit code and when it exited', async () => {
    const run = await runNode([
      '-e',
      'console.log("out"); console.error("err"); process.exitCode = 4',
    ])
    expect(run).toMatchObject({
      code: 4,
      signal: null,
      stdout: 'out\n',
      stderr: 'err\n',
      timedOut: false,
    })
    expect(run.exitAt).toBeGreaterThan(Date.now() - 60_000)
  })

  it('writes to stdin when asked, and kills at the timeout', async () => {
    const echo = startNode(['-e', 'process.stdin.pipe(process.stdout)'], { stdin: 'pipe' })
    echo.child.stdin?.end('go\n')
    expect((await echo.done).stdout).toBe('go\n')
    const hung = await runNode(['-e', 'setInterval(() => {}, 1000)'], { timeoutMs: 300 })
    expect(hung).toMatchObject({ timedOut: true, exitAt: undefined, signal: 'SIGKILL' })
  })
})
