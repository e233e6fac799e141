import { once } from 'node:events'
import net from 'node:net'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { track } from '../../src/probe.js'
import { type JsonAssertion, runVitest, type VitestRun } from '../helpers/run-vitest.js'

const fixtures = fileURLToPath(new URL('./fixtures/', import.meta.url))

function run(name: string): Promise<VitestRun> {
  return runVitest(name, { root: path.join(fixtures, name), timeoutMs: 240_000 })
}

function failures(result: VitestRun, file: string): string {
  const entry = result.files.get(file)
  if (!entry) throw new Error(`no ${file} in the report:\n${result.stdout}\n${result.stderr}`)
  return [
    entry.message,
    ...entry.assertionResults.flatMap((test: JsonAssertion) => test.failureMessages),
  ].join('\n')
}

describe('leaks are reported whatever way the test ends', () => {
  it('a test that throws, times out or calls process.exit still gets its leaks reported, beside its own error', async () => {
    const result = await run('exits')
    expect(result.code).toBe(1)
    const cases = {
      'throws.spec.ts': 'boom: the test body threw',
      // Vitest's JSON reporter keeps the placeholder first line of its timeout error.
      'timeout.spec.ts': /Test timed out in 500ms|STACK_TRACE_ERROR/,
      'exit.spec.ts': 'process.exit unexpectedly called',
    }
    for (const [file, own] of Object.entries(cases)) {
      const text = failures(result, file)
      // Vitest words its own error in the terminal report; the leak report is in the JSON one.
      expect(`${text}\n${result.stdout}`, file).toMatch(own)
      expect(text, file).toMatch(/left handles open/)
      // One root cause: the server, with the connection into it (both ends in this process).
      expect(text, file).toContain('1 root cause (3 open handles)')
      expect(text, file).toMatch(/TCP server listening on 127\.0\.0\.1:\d+/)
      expect(text, file).toContain(
        'with: 1 connection it accepted, and 1 client end in this process (1 active)',
      )
      expect(text, file).toContain('leak.ts:7')
    }
    expect(result.files.get('clean.spec.ts')?.status).toBe('passed')
  })
})

describe('scale', () => {
  it('10,000 handles open at once are reported grouped, within seconds', async () => {
    const result = await run('many')
    expect(result.code).toBe(1)
    const text = failures(result, 'many.spec.ts')
    expect(text).toContain('left handles open')
    // The intervals, and the server with the 200 connections into it (client ends, and the
    // server ends it has accepted by then).
    const total = Number(/2 root causes \((\d+) open handles\)/.exec(text)?.[1])
    expect(total).toBeGreaterThanOrEqual(10_001)
    expect(text).toContain('9800x Interval of 60000 ms')
    expect(text).toMatch(
      /TCP server listening on 127\.0\.0\.1:\d+ \(active\)\n\s+with: \d+ connections it accepted, and 200 client ends in this process \(200 active\)/,
    )
    // Grouped: a few KB, not one block per handle.
    expect(text.length).toBeLessThan(20_000)
    const test = result.files.get('many.spec.ts')?.assertionResults[0] as JsonAssertion & {
      duration?: number
    }
    console.log(
      `leakcheck reliability: 10,001 handles reported in a ${Math.round(result.durationMs)} ms vitest run (test ${test.duration} ms)`,
    )
    expect(result.durationMs).toBeLessThan(60_000)
  })
})

describe('isolation', () => {
  it('a worker process that crashes does not hide the leaks of other files', async () => {
    const result = await run('crash')
    expect(result.code).toBe(1)
    expect(result.stdout + result.stderr).toMatch(/Worker forks emitted error|exited unexpectedly/i)
    const text = failures(result, 'leaky.spec.ts')
    expect(text).toMatch(/left handles open/)
    expect(text).toContain('1 root cause (3 open handles)')
    expect(text).toContain('leaky.spec.ts')
    expect(result.files.get('clean.spec.ts')?.status).toBe('passed')
  })
})

describe('the detector itself', () => {
  it('leaves no handle and no process listener behind after track() ... stop()', async () => {
    // Counts per handle type and per process event; earlier tests' child processes may still be
    // winding down, so the check is "nothing more than before", not "exactly the same".
    const tally = (names: string[]) => {
      const out: Record<string, number> = {}
      for (const name of names) out[name] = (out[name] ?? 0) + 1
      return out
    }
    const resources = () =>
      tally(process.getActiveResourcesInfo().filter((type) => type !== 'Timeout'))
    const listeners = () =>
      Object.fromEntries(
        process.eventNames().map((name) => [String(name), process.listenerCount(name)]),
      )
    const before = { resources: resources(), listeners: listeners() }
    for (let round = 0; round < 3; round++) {
      const probe = track({ settleMs: 300 })
      const server = net.createServer().listen(0, '127.0.0.1')
      await once(server, 'listening')
      const socket = net.connect((server.address() as net.AddressInfo).port, '127.0.0.1')
      await once(socket, 'connect')
      expect((await probe.leaks()).map((leak) => leak.kind).sort()).toEqual([
        'tcp-server',
        'tcp-socket',
        'tcp-socket',
      ])
      socket.destroy()
      await new Promise((resolve) => server.close(resolve))
      expect(await probe.leaks()).toEqual([])
      probe.stop()
    }
    // Timers are left out of the handle comparison: Vitest's own come and go.
    await new Promise((resolve) => setTimeout(resolve, 50))
    const after = { resources: resources(), listeners: listeners() }
    const grown = [
      ...Object.entries(after.resources).filter(([type, n]) => n > (before.resources[type] ?? 0)),
      ...Object.entries(after.listeners).filter(([name, n]) => n > (before.listeners[name] ?? 0)),
    ]
    expect(grown).toEqual([])
  })
})
