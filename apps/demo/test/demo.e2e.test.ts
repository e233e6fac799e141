import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { renderMarkdown } from '../src/report/markdown.js'
import { renderSvg } from '../src/report/svg.js'
import type { Results } from '../src/results.js'

// One real run of the built CLI (pnpm --filter @foo/demo build first): two scenarios, our
// client and the undici baseline, against the real observer, as child processes.
const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url))
let dir: string
let run: ReturnType<typeof spawnSync>
let results: Results

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'demo-e2e-'))
  run = spawnSync(
    process.execPath,
    [
      CLI,
      '--only',
      'natural-end,sigterm-graceful',
      '--library',
      'client,undici',
      '--no-leakcheck',
      '--reports-dir',
      dir,
    ],
    { encoding: 'utf8', timeout: 50_000 },
  )
  results = JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8')) as Results
}, 60_000)
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('pnpm demo, end to end', () => {
  it('runs each scenario x library once and judges it from what the server saw', () => {
    expect(results.runs.map((r) => `${r.scenario}/${r.library}`)).toEqual([
      'natural-end/client',
      'natural-end/undici',
      'sigterm-graceful/client',
      'sigterm-graceful/undici',
    ])
    const natural = results.runs[0]
    expect(natural?.seenExit).toBe('exit 0')
    expect(natural?.connections.total).toBeGreaterThan(0)
    expect(natural?.connections.rst).toBe(0)
    expect(results.runs[3]?.status).toBe('n/a')
  })

  it('exits non-zero exactly when an expectation for @foo/client failed', () => {
    const clientFailed = results.runs.some((r) => r.library === 'client' && r.status === 'fail')
    expect(run.status).toBe(clientFailed ? 1 : 0)
    expect(String(run.stdout)).toMatch(/@foo\/client: \d+ passed, \d+ failed/)
    expect(String(run.stderr)).toMatch(/\[1\/4\] /)
  })

  it('draws one coloured cell per run and a legend', () => {
    const svg = renderSvg(results)
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true)
    const cells = [...svg.matchAll(/<rect [^>]*rx="3" fill="(#[0-9a-f]{6})"\/>/g)].map((m) => m[1])
    const colour = { pass: '#2da44e', fail: '#cf222e', 'n/a': '#afb8c1' }
    // 4 run cells + 3 legend swatches, in row order.
    expect(cells).toEqual([
      ...results.runs.map((r) => colour[r.status]),
      '#2da44e',
      '#cf222e',
      '#afb8c1',
    ])
    expect(svg).toContain(`Node ${results.nodes[0]?.major}`)
    expect(readFileSync(join(dir, 'matrix.svg'), 'utf8')).toBe(svg)
  })

  it('writes Markdown with the matrix and one row per run', () => {
    const md = renderMarkdown(results)
    const rows = md
      .split('\n')
      .filter((line) => /^\| (natural-end|sigterm-graceful) \| (client|undici) \|/.test(line))
    expect(rows).toHaveLength(4)
    expect(md).toMatch(/\| natural-end \| (✅|❌) \| (✅|❌) \|/)
    expect(md).toContain('undici has no gracefulShutdown')
    expect(readFileSync(join(dir, 'results.md'), 'utf8')).toBe(md)
  })
})
