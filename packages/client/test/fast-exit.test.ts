import { startServer, type TestServer } from '@foo/testkit'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runFixture } from './helpers/fixture.js'

// After the first responses V8 optimizes undici's WebAssembly HTTP parser on a background thread,
// and Node waits for that compile before the process can end (the exit latency measured in
// `pnpm bench`). preferFastExit() keeps the parser on baseline code for short programs. Timing is
// the bench's job; here, what decides it: whether the optimizing compile starts at all.
let server: TestServer
beforeAll(async () => {
  server = await startServer({ keepAliveTimeout: 60_000 })
})
afterAll(() => server.close())

const turbofanCompiles = (stdout: string) => stdout.match(/using TurboFan/g)?.length ?? 0

describe('preferFastExit()', () => {
  it('without it, three requests start an optimizing compile of the parser (the wait at exit)', async () => {
    const run = await runFixture('fast-exit.mjs', { env: { ORIGIN: server.origin } })
    expect(run).toMatchObject({ code: 0, signal: null, stderr: '' })
    expect(run.stdout).toContain('done')
    expect(turbofanCompiles(run.stdout)).toBeGreaterThan(0)
  })

  it('with it, the same requests start none, and the program ends the same way', async () => {
    const run = await runFixture('fast-exit.mjs', {
      env: { ORIGIN: server.origin, FAST: '1' },
    })
    expect(run).toMatchObject({ code: 0, signal: null, stderr: '' })
    expect(run.stdout).toContain('done')
    expect(turbofanCompiles(run.stdout)).toBe(0)
  })
})
