import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { formatSummary, renderMarkdown } from '../src/render.mjs'
import { checkTargets } from '../src/targets.mjs'

// A real `pnpm bench --quick` result, as run.mjs wrote it.
const results = JSON.parse(
  readFileSync(new URL('./fixtures/quick-run.json', import.meta.url), 'utf8'),
)
const markdown = renderMarkdown(results)
const lines = markdown.split('\n')

/** The cells of the table row whose first cell is `first`, after the heading `heading`. */
function row(heading: string, first: string): string[] {
  const start = lines.findIndex((line) => line.startsWith(heading))
  expect(start, `heading ${heading}`).toBeGreaterThanOrEqual(0)
  const line = lines.slice(start).find((l) => l.startsWith(`| ${first} |`))
  expect(line, `row ${first} under ${heading}`).toBeDefined()
  return String(line)
    .split('|')
    .slice(1, -1)
    .map((cell) => cell.trim())
}

describe('renderMarkdown on a real run', () => {
  it('states the machine, Node version and date', () => {
    expect(markdown).toContain(`Node ${results.machine.node}`)
    expect(markdown).toContain(`${results.machine.cpus.count} × ${results.machine.cpus.model}`)
    expect(markdown).toContain(results.machine.date.slice(0, 10))
  })

  it('gives every throughput peer a row with its measured median and its ratio', () => {
    for (const peer of results.throughput.peers) {
      const cells = row('## 1.', peer.name)
      if (peer.pending) {
        expect(cells[1]).toBe('_pending_')
        continue
      }
      expect(cells[1]).toBe(formatSummary(peer.sequentialRps))
      expect(cells[2]).toBe(`${peer.ratio.sequential.toFixed(2)}x`)
      expect(cells[3]).toBe(formatSummary(peer.concurrentRps))
    }
    expect(row('## 1.', 'undici.request')[2]).toBe('1.00x')
  })

  it('gives @foo/client, fetch, got and axios a gzip row, each with its ratio to fetch', () => {
    const gzip = results.throughput.peers.filter(
      (p: { gzipSequentialRps?: unknown }) => p.gzipSequentialRps,
    )
    expect(gzip.map((p: { name: string }) => p.name).sort()).toEqual(
      ['@foo/client', 'axios', 'fetch', 'got'].sort(),
    )
    for (const peer of gzip) {
      const cells = row('The same JSON served gzip-compressed', peer.name)
      expect(cells[1]).toBe(formatSummary(peer.gzipSequentialRps))
      expect(cells[2]).toBe(`${peer.ratio.gzip.toFixed(2)}x`)
    }
    expect(row('The same JSON served gzip-compressed', 'fetch')[2]).toBe('1.00x')
  })

  it('puts every target verdict in the targets table', () => {
    expect(results.targets.length).toBeGreaterThan(0)
    for (const verdict of results.targets) {
      const cells = row('## Targets', verdict.target)
      expect(cells[1]).toBe(verdict.measured)
      expect(cells[2]).toBe(verdict.met === null ? '_pending_' : verdict.met ? 'yes' : '**no**')
    }
  })

  it('shows exit latency as the difference to raw undici and to bare node with the same ending', () => {
    type Row = { peer: string; ending: string; ms: { median: number } }
    const find = (peer: string, ending: string): Row =>
      results.exit.rows.find((r: Row) => r.peer === peer && r.ending === ending)
    const signed = (delta: number) => `${delta >= 0 ? '+' : ''}${delta.toFixed(1)}`
    for (const peer of [
      '@foo/client',
      '@foo/client preferFastExit()',
      'undici.request',
      'fetch',
      'node:http',
    ]) {
      const cells = row('## 3.', peer)
      for (const [ending, column] of [
        ['natural', 1],
        ['exit', 5],
      ] as const) {
        const mine = find(peer, ending)
        expect(cells[column]).toBe(formatSummary(mine.ms as never, 1))
        expect(cells[column + 1]).toBe(
          signed(mine.ms.median - find('undici.request', ending).ms.median),
        )
        expect(cells[column + 2]).toBe(signed(mine.ms.median - find('node:http', ending).ms.median))
      }
    }
  })

  it('constructs @foo/client with and without the creation stack beside an undici Agent', () => {
    for (const subject of results.construct.subjects) {
      const cells = row('### Cost to construct', subject.name)
      expect(cells[1]).toBe(formatSummary(subject.ns))
      expect(cells[2]).toBe(`${subject.ratio.toFixed(2)}x`)
    }
    expect(results.construct.subjects.map((s: { name: string }) => s.name)).toEqual([
      '@foo/client',
      '@foo/client, Error.stackTraceLimit = 0',
      'undici Agent',
    ])
  })

  it('shows churn sockets after GC for both kinds of client', () => {
    for (const mode of results.churn.modes) {
      const cells = row('## 2.', mode.label)
      if (mode.pending) continue
      expect(cells[4]).toBe(formatSummary(mode.finalServerSockets))
    }
  })

  it('keeps every table row as wide as its header', () => {
    let width = 0
    for (const line of lines) {
      if (!line.startsWith('|')) {
        width = 0
        continue
      }
      const cells = line.split('|').length
      if (width === 0) width = cells
      expect(cells, line).toBe(width)
    }
  })

  it('shows the leak-detector ratios to the same runner and suite without a detector', () => {
    type Row = { runner: string; suite: string; name: string; ms: { median: number } }
    for (const r of results.leakcheck.rows as Row[]) {
      const none = results.leakcheck.rows.find(
        (x: Row) => x.runner === r.runner && x.suite === r.suite && x.name === 'none',
      )
      expect((r as Row & { ratio: number }).ratio).toBeCloseTo(r.ms.median / none.ms.median)
    }
    // leakcheck() with its defaults on both suites; the comparison peers on the clean one.
    expect(results.leakcheck.rows.map((r: Row) => `${r.runner} ${r.suite} ${r.name}`)).toEqual([
      'vitest clean none',
      'vitest clean leakcheck',
      'vitest clean leakcheck-file',
      'vitest leaking none',
      'vitest leaking leakcheck',
      'vitest clean detectAsyncLeaks',
      'jest clean none',
      'jest clean detectOpenHandles',
    ])
  })

  it('counts the leaks leakcheck reported in every run of the leaking suite', () => {
    const leaking = results.leakcheck.rows.find(
      (r: { suite: string; name: string }) => r.suite === 'leaking' && r.name === 'leakcheck',
    )
    expect(leaking.expectedReports).toBe(results.leakcheck.leakingTests)
    expect(leaking.reports.every((n: number) => n === leaking.expectedReports)).toBe(true)
    expect(row('## 4.', 'vitest').length).toBe(6)
  })
})

describe('formatSummary', () => {
  it('uses quartiles from 4 samples up and min–max below', () => {
    expect(formatSummary({ median: 10, p25: 9, p75: 11, min: 8, max: 12, n: 5 })).toBe(
      '10 (9–11, n=5)',
    )
    expect(formatSummary({ median: 10, p25: 9, p75: 11, min: 8, max: 12, n: 3 })).toBe(
      '10 (8–12, n=3)',
    )
    expect(formatSummary({ median: 1234.5, p25: 0, p75: 0, min: 0, max: 0, n: 1 }, 1)).toBe(
      '1,234.5 (n=1)',
    )
    expect(formatSummary(undefined)).toBe('n/a')
  })
})

describe('checkTargets', () => {
  it('judges the throughput targets from the ratios', () => {
    const peers = [
      { name: '@foo/client', ratio: { sequential: 0.97, concurrent: 0.9 } },
      { name: 'undici.request', ratio: { sequential: 1, concurrent: 1 } },
      { name: 'undici Pool', ratio: { sequential: 1.2, concurrent: 0.8 } },
      { name: 'axios', ratio: { sequential: 0.5, concurrent: 0.4 } },
    ]
    const verdicts = checkTargets({ throughput: { peers } })
    const met = Object.fromEntries(verdicts.map((v) => [v.target, v.met]))
    expect(met['sequential: @foo/client >= 0.95x undici.request']).toBe(true)
    expect(met['concurrent: @foo/client >= 0.95x undici.request']).toBe(false)
    expect(met['sequential: @foo/client ahead of every other library, undici Pool included']).toBe(
      false,
    )
    expect(met['sequential: @foo/client ahead of fetch, axios, got and ky']).toBe(true)
    expect(met['concurrent: @foo/client ahead of every other library, undici Pool included']).toBe(
      true,
    )
  })

  it('leaves targets whose subject did not run as pending, never as met', () => {
    const verdicts = checkTargets({
      exit: { rows: [{ peer: '@foo/client', ending: 'natural', pending: 'not built' }] },
    })
    // Within +5 ms of raw undici (2 endings), within +10 ms of bare node (2 clients x 2 endings).
    expect(verdicts.length).toBe(6)
    for (const verdict of verdicts) expect(verdict.met).toBeNull()
  })

  it('judges exit latency against raw undici and against bare node', () => {
    const rows = [
      ['@foo/client', 20, 8],
      ['@foo/client preferFastExit()', 4, 4],
    ].flatMap(([peer, deltaMs, floorDeltaMs]) =>
      ['natural', 'exit'].map((ending) => ({ peer, ending, deltaMs, floorDeltaMs })),
    )
    const met = Object.fromEntries(checkTargets({ exit: { rows } }).map((v) => [v.target, v.met]))
    expect(met['exit latency (natural end): @foo/client within +5 ms of undici.request']).toBe(
      false,
    )
    expect(
      met['exit latency (process.exit()): @foo/client within +10 ms of node:http (bare node)'],
    ).toBe(true)
    expect(
      met[
        'exit latency (natural end): @foo/client preferFastExit() within +10 ms of node:http (bare node)'
      ],
    ).toBe(true)
  })

  it('judges construction against 3x an undici Agent', () => {
    const construct = (ratio: number) => ({
      subjects: [
        { name: '@foo/client', ns: { median: ratio * 500 }, ratio },
        { name: 'undici Agent', ns: { median: 500 }, ratio: 1 },
      ],
    })
    expect(checkTargets({ construct: construct(2.9) })[0]).toEqual({
      target: 'construction: @foo/client <= 3x an undici Agent',
      measured: '2.90x (1.45 µs vs 0.50 µs)',
      met: true,
    })
    expect(checkTargets({ construct: construct(3.1) })[0]?.met).toBe(false)
  })

  describe('leakcheck overhead', () => {
    const rows = (leaking: { ratio: number; reports: number[]; summaryLeaks: number[] }) => ({
      leakingTests: 30,
      rows: [
        {
          runner: 'vitest',
          suite: 'clean',
          name: 'leakcheck',
          ratio: 1.04,
          expectedReports: 0,
          reports: [0, 0],
          summaryLeaks: [0, 0],
          exitCodes: [0, 0],
        },
        {
          runner: 'vitest',
          suite: 'leaking',
          name: 'leakcheck',
          expectedReports: 30,
          exitCodes: [1, 1],
          ...leaking,
        },
      ],
    })
    const verdicts = (leaking: Parameters<typeof rows>[0]) =>
      checkTargets({ leakcheck: rows(leaking) }).map(({ measured, met }) => ({ measured, met }))

    it('holds both default-options targets to their limits when every leak was reported', () => {
      expect(verdicts({ ratio: 1.09, reports: [30, 30], summaryLeaks: [30, 30] })).toEqual([
        { measured: '1.04x (no leak reported, 2 of 2 runs passed)', met: true },
        { measured: '1.09x (30 of 30 leaks reported in each of 2 runs)', met: true },
      ])
      expect(verdicts({ ratio: 1.11, reports: [30, 30], summaryLeaks: [30, 30] })[1]?.met).toBe(
        false,
      )
    })

    it('does not let a detector that stopped reporting look fast', () => {
      expect(verdicts({ ratio: 1.01, reports: [30, 0], summaryLeaks: [30, 0] })[1]).toEqual({
        measured: '1.01x (expected 30 leaks in each of 2 runs, reported 0, 30)',
        met: false,
      })
    })

    it('fails the clean-suite target when leakcheck reports a leak there or the run fails', () => {
      const failing = rows({ ratio: 1, reports: [30], summaryLeaks: [30] })
      const clean = failing.rows[0] as { reports: number[]; exitCodes: number[] }
      clean.exitCodes = [0, 1]
      expect(checkTargets({ leakcheck: failing })[0]?.met).toBe(false)
      clean.exitCodes = [0, 0]
      clean.reports = [0, 1]
      expect(checkTargets({ leakcheck: failing })[0]?.met).toBe(false)
    })
  })
})
