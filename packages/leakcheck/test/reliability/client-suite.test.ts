import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { runVitest, type VitestRun } from '../helpers/run-vitest.js'

const fixtures = fileURLToPath(new URL('./fixtures/', import.meta.url))
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

// What a leak report says (the setup file's LeakError, per test or at the end of a file).
const isLeak = /LeakError|left handles open|Still open after the last afterAll/

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
