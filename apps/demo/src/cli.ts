import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import {
  clientEntry,
  type NodeBinary,
  NodeBinaryError,
  resolveNodes,
  SCENARIOS,
  type Scenario,
} from '@foo/testkit'
import { type DemoArgs, DemoArgumentError, type Library, parseArgs, USAGE } from './args.js'
import { type LeakcheckResult, leakcheckMissing, runLeakcheck } from './leakcheck.js'
import { writeReadmeTables } from './readme.js'
import { renderMarkdown } from './report/markdown.js'
import { renderSvg } from './report/svg.js'
import { progressLine, renderTable } from './report/table.js'
import { clientPassed, type Results, tally } from './results.js'
import { type RunContext, type RunResult, runScenario } from './run.js'

const DEFAULT_REPORTS = fileURLToPath(new URL('../reports/', import.meta.url))

async function main(argv: readonly string[]): Promise<number> {
  const args = parseArgs(argv)
  if (args.help) {
    process.stdout.write(USAGE)
    return 0
  }
  if (args.readme) {
    const changed = writeReadmeTables()
    process.stdout.write(changed.length > 0 ? `rewrote ${changed.join(', ')}\n` : 'up to date\n')
    return 0
  }
  if (args.from) {
    const results = JSON.parse(readFileSync(args.from, 'utf8')) as Results
    writeReports(results, args)
    return clientPassed(results) ? 0 : 1
  }
  const results = await runAll(args)
  const color = process.stdout.isTTY === true
  process.stdout.write(`\n${renderTable(results.runs, color)}\n`)
  const paths = writeReports(results, args)
  const client = tally(results.runs, 'client')
  const baselines = results.libraries
    .filter((library) => library !== 'client')
    .map((library) => {
      const t = tally(results.runs, library)
      return ` · ${library}: ${t.pass}/${t.pass + t.fail}`
    })
  process.stdout.write(
    `@foo/client: ${client.pass} passed, ${client.fail} failed, ${client['n/a']} n/a` +
      `${baselines.join('')} · ${(results.durationMs / 1000).toFixed(1)} s\nreports: ${paths.join(', ')}\n`,
  )
  return clientPassed(results) ? 0 : 1
}

async function runAll(args: DemoArgs): Promise<Results> {
  const started = Date.now()
  const nodes = resolveNodes(args.majors)
  const scenarios = SCENARIOS.filter((s) => args.scenarios.includes(s.id))
  const entry = clientEntry(import.meta.url)
  const color = process.stderr.isTTY === true
  const jobs: Array<{ node: NodeBinary; scenario: Scenario; library: Library }> = []
  for (const node of nodes) {
    for (const scenario of scenarios) {
      for (const library of args.libraries) jobs.push({ node, scenario, library })
    }
  }
  // Why leakcheck is off for a Node binary; absent means on.
  const leakcheckOff = new Map<string, string>()
  for (const node of nodes) {
    const missing = args.leakcheck ? leakcheckMissing(node.path) : '--no-leakcheck'
    if (missing) leakcheckOff.set(node.path, missing)
  }
  process.stderr.write(
    `demo: ${jobs.length} runs (${scenarios.length} scenarios x ${args.libraries.length} libraries x Node ${nodes
      .map((n) => n.version)
      .join(', ')}), ${args.concurrency} at a time; leakcheck CLI: ${
      leakcheckOff.size === 0 ? 'on' : `n/a (${[...new Set(leakcheckOff.values())].join('; ')})`
    }\n`,
  )
  let done = 0
  const runs = await pool(jobs, args.concurrency, async ({ node, scenario, library }) => {
    const context: RunContext = {
      node,
      clientEntry: entry,
      timeoutMs: args.timeoutMs,
      platform: process.platform,
    }
    const leakcheck = (s: Scenario, l: Library, code: number | null): Promise<LeakcheckResult> =>
      leakcheckOff.has(node.path)
        ? Promise.resolve({ verdict: 'n/a', detail: leakcheckOff.get(node.path) })
        : runLeakcheck(s, l, context, code)
    const run = await runScenario(scenario, library, context, leakcheck)
    process.stderr.write(progressLine(run, ++done, jobs.length, color))
    return run
  })
  return {
    version: 1,
    generatedAt: new Date().toISOString(),
    platform: process.platform,
    arch: process.arch,
    nodes: nodes.map((n) => ({ version: n.version, major: n.major })),
    libraries: args.libraries,
    scenarios: scenarios.map((s) => ({ id: s.id, title: s.title })),
    runs,
    durationMs: Date.now() - started,
  }
}

/** Runs `task` over `items`, `limit` at a time; results keep the items' order. */
async function pool<T, R>(
  items: readonly T[],
  limit: number,
  task: (item: T) => Promise<R>,
): Promise<R[]> {
  const out: R[] = new Array(items.length)
  let next = 0
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++
      out[index] = await task(items[index] as T)
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker))
  return out
}

function writeReports(results: Results, args: DemoArgs): string[] {
  const dir = resolve(args.reportsDir ?? DEFAULT_REPORTS)
  mkdirSync(dir, { recursive: true })
  const files: Array<[string, string]> = [
    [join(dir, 'results.json'), `${JSON.stringify(results, null, 2)}\n`],
    [join(dir, 'results.md'), renderMarkdown(results)],
    [join(dir, 'matrix.svg'), renderSvg(results)],
  ]
  if (args.jsonOut) files.push([resolve(args.jsonOut), `${JSON.stringify(results, null, 2)}\n`])
  if (args.svgOut) files.push([resolve(args.svgOut), renderSvg(results)])
  for (const [path, content] of files) {
    mkdirSync(dirname(path), { recursive: true })
    writeFileSync(path, content)
  }
  return files.map(([path]) => path)
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code
  },
  (error: unknown) => {
    if (error instanceof DemoArgumentError || error instanceof NodeBinaryError) {
      process.stderr.write(`${error.message}\n`)
      process.exitCode = 2
    } else {
      process.stderr.write(
        `demo: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
      )
      process.exitCode = 1
    }
  },
)

export type { RunResult }
