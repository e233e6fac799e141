/**
 * `pnpm bench [--quick] [--only=throughput,churn,exit,leakcheck]`: runs every benchmark part in its
 * own process and writes `results/latest.json` and `results/latest.md` (`quick.*` with --quick,
 * `partial.*` with --only).
 *
 * @module
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { installCopy, SNAPSHOT_DIR } from './install.mjs'
import { describeMachine } from './machine.mjs'
import { log, runPart } from './part.mjs'
import { renderMarkdown } from './render.mjs'
import {
  checkTargets,
  compareConstruct,
  compareExit,
  compareFastExit,
  compareLeakcheck,
  compareThroughput,
  summarizeChurn,
} from './targets.mjs'

const PARTS = ['throughput', 'churn', 'exit', 'leakcheck']
const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    only: { type: 'string', default: PARTS.join(',') },
  },
})
const quick = Boolean(values.quick)
const only = String(values.only).split(',')
const unknown = only.filter((part) => !PARTS.includes(part))
if (unknown.length > 0) {
  console.error(`Unknown part(s) ${unknown.join(', ')} in --only; choose from ${PARTS.join(', ')}.`)
  process.exit(2)
}

// Every part measures this snapshot, whatever happens to packages/*/dist during the run.
const builds = {
  '@foo/client': installCopy('client', SNAPSHOT_DIR, { from: 'workspace' }),
  '@foo/leakcheck': installCopy('leakcheck', SNAPSHOT_DIR, { from: 'workspace' }),
}
const started = performance.now()
/** @type {Record<string, any>} */
const results = { machine: describeMachine(), quick }

if (only.includes('throughput')) {
  log('part 1: throughput')
  results.throughput = compareThroughput(await runPart('throughput.mjs', { quick }))
}
if (only.includes('churn')) {
  log('part 2: client churn')
  const clients = quick ? 1000 : 10_000
  const repeats = quick ? 1 : 3
  const runs = []
  for (let i = 0; i < repeats; i++) {
    for (const mode of i % 2 === 0 ? ['foo', 'agent'] : ['agent', 'foo']) {
      runs.push(await runPart('churn.mjs', { mode, clients }))
    }
  }
  results.churn = summarizeChurn(runs, clients)
  results.construct = compareConstruct(await runPart('construct.mjs', { quick }))
}
if (only.includes('exit')) {
  log('part 3: exit latency')
  results.exit = compareExit(await runPart('exit.mjs', { quick }))
  results.fastExit = compareFastExit(await runPart('fast-exit.mjs', { quick }))
}
if (only.includes('leakcheck')) {
  log('part 4: leak-detector overhead')
  results.leakcheck = compareLeakcheck(await runPart('leakcheck.mjs', { quick }))
}
results.targets = checkTargets(results)
results.builds = builds
results.durationMs = performance.now() - started

const dir = new URL('../results/', import.meta.url)
mkdirSync(dir, { recursive: true })
// Only a full run of every part is the published result.
const name = quick ? 'quick' : only.length < PARTS.length ? 'partial' : 'latest'
writeFileSync(new URL(`${name}.json`, dir), `${JSON.stringify(results, null, 2)}\n`)
const markdown = renderMarkdown(results)
writeFileSync(new URL(`${name}.md`, dir), markdown)
process.stdout.write(markdown)
log(`done in ${Math.round(results.durationMs / 1000)} s: results/${name}.json, results/${name}.md`)
