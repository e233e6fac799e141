import { describe, expect, it } from 'vitest'
import type { Vitest } from 'vitest/node'
import {
  createSummaryReporter,
  type FileStats,
  formatSummary,
  sumStats,
} from '../../src/summary.js'

function module(stats?: FileStats) {
  return { meta: () => (stats ? { leakcheckStats: stats } : {}) }
}

interface FakeVitest {
  config: { reporters: unknown[]; outputFile?: string | Record<string, string> }
  logger: { log(line: string): void; error(line: string): void }
  out: string[]
  err: string[]
}

function fakeVitest(
  reporters: unknown[],
  outputFile?: FakeVitest['config']['outputFile'],
): FakeVitest {
  const out: string[] = []
  const err: string[] = []
  const config: FakeVitest['config'] = { reporters }
  if (outputFile !== undefined) config.outputFile = outputFile
  return { config, out, err, logger: { log: (l) => out.push(l), error: (l) => err.push(l) } }
}

function runEnd(vitest: FakeVitest, modules: ReturnType<typeof module>[]): void {
  const reporter = vitest.config.reporters.at(-1) as { onTestRunEnd(m: unknown[]): void }
  reporter.onTestRunEnd(modules)
}

describe('run summary', () => {
  it('adds up the counts the workers attached to each test file', () => {
    const total = sumStats([
      module({ tests: 3, leaks: 1, warnings: 2, collected: 0 }),
      module(),
      module({ tests: 2, leaks: 0, warnings: 1, collected: 2 }),
    ])
    expect(total).toEqual({ files: 2, tests: 5, leaks: 1, warnings: 3, collected: 2 })
    expect(formatSummary(total)).toBe(
      'leakcheck: 5 tests checked in 2 files, 1 leak, 3 warnings, 2 handles closed by GC',
    )
    expect(formatSummary({ files: 1, tests: 1, leaks: 0, warnings: 1, collected: 1 })).toBe(
      'leakcheck: 1 test checked in 1 file, 0 leaks, 1 warning, 1 handle closed by GC',
    )
  })

  it('attaches one reporter per Vitest instance and prints on stdout', () => {
    const vitest = fakeVitest([['default', {}]])
    const summary = createSummaryReporter()
    summary.attach(vitest as unknown as Vitest)
    summary.attach(vitest as unknown as Vitest)
    createSummaryReporter().attach(vitest as unknown as Vitest)
    expect(vitest.config.reporters).toHaveLength(2)
    runEnd(vitest, [module({ tests: 1, leaks: 0, warnings: 0, collected: 0 })])
    expect(vitest.out).toEqual([
      'leakcheck: 1 test checked in 1 file, 0 leaks, 0 warnings, 0 handles closed by GC',
    ])
    expect(vitest.err).toEqual([])
  })

  it('prints nothing when no file was checked (setup file missing or every file filtered)', () => {
    const vitest = fakeVitest([['default', {}]])
    createSummaryReporter().attach(vitest as unknown as Vitest)
    runEnd(vitest, [module()])
    expect(vitest.out).toEqual([])
  })

  it.each([
    ['json on stdout', [['json', {}]], undefined, 'err'],
    [
      'junit on stdout beside default',
      [
        ['default', {}],
        ['junit', {}],
      ],
      undefined,
      'err',
    ],
    ['json into a file (outputFile string)', [['json', {}]], 'report.json', 'out'],
    ['json into a file (outputFile.json)', [['json', {}]], { json: 'r.json' }, 'out'],
    ['json into a file (reporter option)', [['json', { outputFile: 'r.json' }]], undefined, 'out'],
  ] as const)('with %s the line goes to std%s', (_name, reporters, outputFile, stream) => {
    const vitest = fakeVitest(
      reporters.map((r) => [...r]),
      outputFile,
    )
    createSummaryReporter().attach(vitest as unknown as Vitest)
    runEnd(vitest, [module({ tests: 1, leaks: 1, warnings: 0, collected: 0 })])
    expect(vitest[stream]).toHaveLength(1)
    expect(vitest[stream === 'out' ? 'err' : 'out']).toEqual([])
  })
})
