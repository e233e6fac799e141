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

  it('puts every target verdict in the targets table', () => {
    expect(results.targets.length).toBeGreaterThan(0)
    for (const verdict of results.targets) {
      const cells = row('## Targets', verdict.target)
      expect(cells[1]).toBe(verdict.measured)
      expect(cells[2]).toBe(verdict.met === null ? '_pending_' : verdict.met ? 'yes' : '**no**')
    }
  })

  it('shows exit latency as the difference to raw undici with the same ending', () => {
    const reference = (ending: string) =>
      results.exit.rows.find(
        (r: { peer: string; ending: string }) => r.peer === 'undici.request' && r.ending === ending,
      )
    const foo = row('## 3.', '@foo/client')
    for (const [ending, column] of [
      ['natural', 2],
      ['exit', 5],
    ] as const) {
      const mine = results.exit.rows.find(
        (r: { peer: string; ending: string }) => r.peer === '@foo/client' && r.ending === ending,
      )
      if (mine.pending) continue
      const delta = mine.ms.median - reference(ending).ms.median
      expect(foo[column]).toBe(`${delta >= 0 ? '+' : ''}${delta.toFixed(1)}`)
    }
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

  it('shows the leak-detector ratios to the same runner without a detector', () => {
    for (const r of results.leakcheck.rows.filter((x: { pending?: string }) => !x.pending)) {
      const none = results.leakcheck.rows.find(
        (x: { runner: string; name: string }) => x.runner === r.runner && x.name === 'none',
      )
      expect(r.ratio).toBeCloseTo(r.ms.median / none.ms.median)
    }
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
    expect(met['sequential: @foo/client ahead of every other peer, undici Pool included']).toBe(
      false,
    )
    expect(met['sequential: @foo/client ahead of fetch, axios, got and ky']).toBe(true)
    expect(met['concurrent: @foo/client ahead of every other peer, undici Pool included']).toBe(
      true,
    )
  })

  it('leaves targets whose subject did not run as pending, never as met', () => {
    const verdicts = checkTargets({
      exit: { rows: [{ peer: '@foo/client', ending: 'natural', pending: 'not built' }] },
    })
    expect(verdicts.length).toBe(2)
    for (const verdict of verdicts) expect(verdict.met).toBeNull()
  })
})
