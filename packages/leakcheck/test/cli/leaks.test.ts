import { readFileSync } from 'node:fs'
import path from 'node:path'
import { startServer, type TestServer } from '@foo/testkit'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { fixture, lastLine, packageDir, runCli } from './run.js'

let server: TestServer
beforeAll(async () => {
  server = await startServer()
})
afterAll(() => server.close())

/** The verdict line of a clean run of a fixture. */
const clean = (name: string, ...args: string[]) =>
  `leakcheck: clean (${fixture(name, ...args).join(' ')} exited with code 0, nothing left open)`

const sourceLine = (name: string, n: number) =>
  readFileSync(path.join(packageDir, 'test/fixtures/cli', name), 'utf8').split('\n')[
    n - 1
  ] as string

describe('leakcheck -- node app.js', () => {
  it('exits 7 and reports a server still listening at process.exit()', async () => {
    const run = await runCli(['--', ...fixture('server-left-open.mjs')])
    expect(run.code).toBe(7)
    expect(run.stdout).toContain('listening')
    expect(run.stderr).toMatch(/server-left-open\.mjs exited \(code 0\) with handles still open/)
    expect(run.stderr).toContain('1 root cause (1 open handle)')
    expect(run.stderr).toMatch(/TCP server listening on 127\.0\.0\.1:\d+ \(active\)/)
    expect(run.stderr).toContain('at test/fixtures/cli/server-left-open.mjs:5:8')
    expect(run.stderr).toContain(`> 5 | ${sourceLine('server-left-open.mjs', 5)}`)
    expect(run.stderr).toContain(
      'Fix: Close it before the program exits (as soon as it is done with it): `await new Promise((resolve) => server.close(resolve))`',
    )
  })

  it("exits 0 for a socket idle in global fetch's pool: a process-wide pool, closed at exit", async () => {
    const run = await runCli(['--', ...fixture('fetch-keep-alive.mjs', server.origin)])
    expect(run.stdout).toContain('{"ok":true}')
    expect(run.stderr).toBe(`${clean('fetch-keep-alive.mjs', server.origin)}\n`)
    expect(run.code).toBe(0)
  })

  it('exits 7 for the idle sockets of an undici Agent the program never closes', async () => {
    const run = await runCli(['--', ...fixture('agent-left-open.mjs', server.origin)])
    expect(run.code).toBe(7)
    expect(run.stderr).toMatch(
      new RegExp(
        `TCP socket 127\\.0\\.0\\.1:\\d+ -> 127\\.0\\.0\\.1:${server.port} \\(idle in an undici keep-alive pool\\)`,
      ),
    )
    expect(run.stderr).toContain('at test/fixtures/cli/agent-left-open.mjs:6:19')
    expect(run.stderr).toContain('`await agent.close()` when the program is done with it')
  })

  it('exits 7 for a socket made with new net.Socket() and connected later', async () => {
    const run = await runCli(['--', ...fixture('socket-connected-later.mjs')])
    expect(run.code).toBe(7)
    expect(run.stderr).toMatch(/TCP socket 127\.0\.0\.1:\d+ -> 127\.0\.0\.1:\d+ \(active\)/)
    expect(run.stderr).toContain('at test/fixtures/cli/socket-connected-later.mjs:8:8')
  })

  it('exits 7 for a child process left running, and says so', async () => {
    const run = await runCli(['--', ...fixture('child-left-running.mjs')])
    const pid = /spawned (\d+)/.exec(run.stdout)?.[1]
    expect(pid).toBeDefined()
    expect(run.code).toBe(7)
    expect(run.stderr).toContain(`Child process (pid ${pid})`)
    expect(run.stderr).toContain("Fix: Wait for it to exit (`await once(child, 'exit')`)")
  })

  it('does not count a reachable @foo/client: its own exit hook destroys its sockets', async () => {
    const run = await runCli(['--', ...fixture('client-kept.mjs', server.origin)])
    expect(run.stdout).toContain('{"ok":true}')
    expect(run.stderr).toBe(`${clean('client-kept.mjs', server.origin)}\n`)
    expect(run.code).toBe(0)
    // ...and the server saw the connection end, not left open.
    await expect.poll(() => server.connections.size, { timeout: 5000 }).toBe(0)
  })
})

describe('exit codes', () => {
  it('a program that fails keeps its own code; the leak report is printed anyway', async () => {
    const run = await runCli(['--', ...fixture('crashes-with-server.mjs')])
    expect(run.stderr).toContain('Error: boom')
    expect(run.stderr).toMatch(/crashes-with-server\.mjs exited \(code 1\)/)
    expect(run.stderr).toMatch(/TCP server listening on 127\.0\.0\.1:\d+/)
    expect(run.code).toBe(1)
  })
})

describe('clean programs keep their own exit code', () => {
  it('exits 0 for a program that closes everything', async () => {
    const run = await runCli(['--', ...fixture('clean.mjs')])
    expect(run.stderr).toBe(`${clean('clean.mjs')}\n`)
    expect(run.stdout).toContain('ok')
    expect(run.code).toBe(0)
  })

  it("passes the program's own non-zero code through", async () => {
    const run = await runCli(['--', ...fixture('clean.mjs', '3')])
    expect(run.code).toBe(3)
    expect(run.stderr).toBe(
      'leakcheck: the program failed with code 3 (node test/fixtures/cli/clean.mjs 3; nothing left open)\n',
    )
  })

  it('a @foo/client dropped without close() is collected, not a leak', async () => {
    const run = await runCli(['--', ...fixture('client-dropped.mjs', server.origin)])
    expect(run.stdout).toContain('{"ok":true}')
    expect(run.stderr).toBe(`${clean('client-dropped.mjs', server.origin)}\n`)
    expect(run.code).toBe(0)
  })

  it("keeps the user's NODE_OPTIONS", async () => {
    const run = await runCli(['--', ...fixture('clean.mjs')], {
      NODE_OPTIONS: '--title=leakcheck-test --no-warnings',
    })
    expect(lastLine(run.stderr)).toBe(clean('clean.mjs'))
    expect(run.code).toBe(0)
  })
})
