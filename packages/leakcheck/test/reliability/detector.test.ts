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
      expect(text, file).toMatch(/left 2 handle\(s\) open/)
      expect(text, file).toMatch(/TCP socket 127\.0\.0\.1:\d+ -> 127\.0\.0\.1:\d+/)
      expect(text, file).toMatch(/TCP server listening on 127\.0\.0\.1:\d+/)
      expect(text, file).toContain('leak.ts:9')
    }
    expect(result.files.get('clean.spec.ts')?.status).toBe('passed')
  })
})

describe('scale', () => {
  it('10,000 handles open at once are reported grouped, within seconds', async () => {
    const result = await run('many')
    expect(result.code).toBe(1)
    const text = failures(result, 'many.spec.ts')
    expect(text).toContain('left 10001 handle(s) open')
    expect(text).toMatch(/10001 open handles left behind \(3 distinct\)/)
    expect(text).toContain('9800x Interval of 60000 ms')
    expect(text).toMatch(/200x TCP socket/)
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
    expect(text).toMatch(/left 2 handle\(s\) open/)
    expect(text).toContain('leaky.spec.ts')
    expect(result.files.get('clean.spec.ts')?.status).toBe('passed')
  })
})

describe('the detector itself', () => {
  it('leaves no handle and no process listener behind after track() ... stop()', async () => {
    const resources = () =>
      process
        .getActiveResourcesInfo()
        .filter((type) => type !== 'Timeout')
        .sort()
    const listeners = () =>
      process
        .eventNames()
        .map((name) => `${String(name)}:${process.listenerCount(name)}`)
        .sort()
    const before = { resources: resources(), listeners: listeners() }
    for (let round = 0; round < 3; round++) {
      const probe = track({ deadlineMs: 300 })
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
    expect({ resources: resources(), listeners: listeners() }).toEqual(before)
  })
})

const clientRoot = fileURLToPath(new URL('../../../client/', import.meta.url))
const long = process.env.LONG === '1'
// The default subset: the GC- and timing-sensitive files, where a detector that holds references
// or adds latency would show. LONG=1 runs the whole suite, exit paths included.
const subset = long
  ? []
  : ['test/lifecycle/', 'test/reliability/lifecycle-races.test.ts', 'test/redirects.test.ts']

function runClientSuite(config: 'plugin' | 'plain'): Promise<VitestRun> {
  return runVitest('client-suite', {
    root: clientRoot,
    args: ['--config', path.join(fixtures, 'client-suite', `${config}.config.ts`), ...subset],
    timeoutMs: 280_000,
  })
}

function statuses(result: VitestRun): Map<string, string> {
  const out = new Map<string, string>()
  for (const [file, entry] of result.files) {
    for (const test of entry.assertionResults) out.set(`${file} > ${test.fullName}`, test.status)
  }
  return out
}

const isLeak = /LeakcheckError|handle\(s\) open/

describe('the detector on a real suite', () => {
  it(`runs @foo/client's own suite (${long ? 'all of it' : 'a subset'}) with the plugin: no leak, no test it makes fail, and Vitest exits by itself`, async () => {
    const plain = await runClientSuite('plain')
    const checked = await runClientSuite('plugin')
    // Both runs ended on their own (runVitest kills a hang: then code is null).
    expect(plain.code).not.toBeNull()
    expect(checked.code).not.toBeNull()
    const leakFailures: string[] = []
    for (const [file, entry] of checked.files) {
      if (isLeak.test(entry.message)) leakFailures.push(`${file}: ${entry.message.slice(0, 600)}`)
      for (const test of entry.assertionResults) {
        const message = test.failureMessages.join('\n')
        if (isLeak.test(message))
          leakFailures.push(`${file} > ${test.title}: ${message.slice(0, 600)}`)
      }
    }
    // A test that passes without the plugin must pass with it.
    const without = statuses(plain)
    const broken = [...statuses(checked)]
      .filter(([name, status]) => status === 'failed' && without.get(name) === 'passed')
      .map(([name]) => name)
    const summary = /leakcheck: (\d+) tests? checked in (\d+) files?, (\d+) leaks?/.exec(
      checked.stdout,
    )
    console.log(
      `leakcheck over @foo/client's suite: ${checked.files.size} files, ${without.size} tests; plain ${Math.round(plain.durationMs)} ms, with leakcheck ${Math.round(checked.durationMs)} ms; ${summary?.[0] ?? 'no summary line'}; leak failures ${leakFailures.length}; passing only without leakcheck: ${broken.length ? broken.join('; ') : 'none'}`,
    )
    expect(leakFailures).toEqual([])
    expect(broken).toEqual([])
    expect(summary, checked.stdout).not.toBeNull()
    expect(Number(summary?.[3])).toBe(0)
    expect(without.size).toBeGreaterThan(30)
  }, 600_000)
})
