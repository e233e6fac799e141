import type { RunResult } from '../run.js'
import { endingsText, msText, statusText, stderrText } from './cells.js'

const COLUMNS = [
  'scenario',
  'library',
  'node',
  'verdict',
  'exit exp',
  'exit seen',
  'to exit',
  'connections',
  'stderr',
  'leakcheck',
] as const

/**
 * Renders runs as a fixed-width terminal table (colour when `color`), one row per run.
 *
 * @example
 * ```ts
 * process.stdout.write(renderTable(results.runs, process.stdout.isTTY))
 * ```
 */
export function renderTable(runs: readonly RunResult[], color: boolean): string {
  const rows = runs.map((run) => [
    run.scenario,
    run.library,
    `v${run.nodeMajor}`,
    statusText(run),
    run.expectedExit,
    run.seenExit,
    msText(run.msToExit),
    endingsText(run),
    stderrText(run, 28),
    run.leakcheck.verdict,
  ])
  const widths = COLUMNS.map((c, i) => Math.max(c.length, ...rows.map((r) => (r[i] ?? '').length)))
  const line = (cells: readonly string[]): string =>
    cells
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd()
  const out = [line(COLUMNS), widths.map((w) => '─'.repeat(w)).join('  ')]
  rows.forEach((cells, i) => {
    const text = line(cells)
    out.push(color ? paint(text, runs[i]?.status ?? 'n/a') : text)
  })
  return `${out.join('\n')}\n`
}

/**
 * One progress line for a finished run: `[ 3/42] natural-end · client · v20  PASS  0.4 s`.
 *
 * @example
 * ```ts
 * process.stderr.write(progressLine(run, 3, 42, false))
 * ```
 */
export function progressLine(run: RunResult, done: number, total: number, color: boolean): string {
  const width = String(total).length
  const head = `[${String(done).padStart(width)}/${total}] ${run.scenario} · ${run.library} · v${run.nodeMajor}`
  const status = statusText(run).padEnd(4)
  const tail = run.status === 'fail' ? `  ${run.reasons[0] ?? ''}` : ''
  const text = `${head.padEnd(48)} ${status} ${(run.durationMs / 1000).toFixed(1)} s${tail}`
  return `${color ? paint(text, run.status) : text}\n`
}

function paint(text: string, status: RunResult['status']): string {
  const code = status === 'pass' ? 32 : status === 'fail' ? 31 : 90
  return `\u001b[${code}m${text}\u001b[0m`
}
