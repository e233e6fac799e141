import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { fixturesDir, lastLine, runCli } from './run.js'

// Found by a newcomer: only commands starting with `node` were accepted, so `leakcheck -- npm
// start`, `-- npx tsx app.ts` and `-- pnpm test` exited 2. The preload now travels in
// NODE_OPTIONS and the program's Node process reports, however deep it runs.
const app = path.join(fixturesDir, 'npm-app')
const leakLine = /TCP server listening on 127\.0\.0\.1:\d+ \(active\)/

describe('leakcheck -- <any command that runs a Node program>', () => {
  it("npm start: the script's node process (under npm and a shell) is checked", async () => {
    const run = await runCli(['--', 'npm', 'start'], {}, app)
    expect(run.stdout).toContain('listening')
    expect(run.stderr).toMatch(/server-left-open\.mjs exited \(code 0\) with handles still open/)
    expect(run.stderr).toMatch(leakLine)
    expect(run.stderr).toContain('at server-left-open.mjs:5:8')
    expect(lastLine(run.stderr)).toBe(
      'leakcheck: leaked 1 handle (npm start exited with code 0; leakcheck exits 7)',
    )
    expect(run.code).toBe(7)
  })

  it('pnpm test: through corepack and pnpm the same way', async () => {
    const run = await runCli(['--', 'pnpm', 'test'], {}, app)
    expect(run.stdout).toContain('listening')
    expect(run.stderr).toMatch(leakLine)
    expect(lastLine(run.stderr)).toMatch(/^leakcheck: leaked 1 handle \(pnpm test exited/)
    expect(run.code).toBe(7)
  })

  it('npx tsx app.ts: the TypeScript program, not npx or tsx, is checked', async () => {
    const run = await runCli(['--', 'npx', 'tsx', 'test/fixtures/cli/leaky.ts'])
    expect(run.stdout).toContain('listening from tsx')
    expect(run.stderr).toMatch(
      /test\/fixtures\/cli\/leaky\.ts exited \(code 0\) with handles still open/,
    )
    expect(run.stderr).toMatch(leakLine)
    expect(run.stderr).toContain('(test/fixtures/cli/leaky.ts:5:8)')
    expect(run.stderr).toContain("> 5 | server.listen(0, '127.0.0.1', () => {")
    expect(run.code).toBe(7)
  })

  it("npx tsx on a clean program: clean (tsx's loader pipe and esbuild worker are not its)", async () => {
    const run = await runCli(['--', 'npx', 'tsx', 'test/fixtures/cli/clean.ts'])
    expect(run.stdout).toContain('clean ts')
    expect(lastLine(run.stderr)).toBe(
      'leakcheck: clean (npx tsx test/fixtures/cli/clean.ts exited with code 0, nothing left open)',
    )
    expect(run.code).toBe(0)
  })

  it('a shell script two levels above node: the node process is found', async () => {
    const run = await runCli([
      '--',
      'sh',
      '-c',
      `sh -c "node ${path.join('test', 'fixtures', 'cli', 'server-left-open.mjs')}"`,
    ])
    expect(run.stderr).toMatch(leakLine)
    expect(run.code).toBe(7)
  })

  it("keeps the user's NODE_OPTIONS and adds the preload after them", async () => {
    const run = await runCli(['--', 'npm', 'start'], { NODE_OPTIONS: '--no-warnings' }, app)
    expect(run.stderr).toMatch(leakLine)
    expect(run.code).toBe(7)
  })

  it('a command that starts no Node process: exit 2, and says nothing was checked', async () => {
    const run = await runCli(['--', 'sh', '-c', 'echo not node'])
    expect(run.stdout).toContain('not node')
    expect(lastLine(run.stderr)).toMatch(
      /^leakcheck: no Node program ran: sh -c echo not node started no Node process .*so nothing was checked\. Fix: /,
    )
    expect(run.code).toBe(2)
  })

  it('--json says the same: verdict no-node-program', async () => {
    const run = await runCli(['--json', '--', 'sh', '-c', 'exit 0'])
    expect(JSON.parse(lastLine(run.stdout))).toMatchObject({
      verdict: 'no-node-program',
      exitCode: 2,
      program: null,
    })
    expect(run.code).toBe(2)
  })
})
