import type { Library } from './args.js'
import type { RunResult } from './run.js'

/** Everything one `pnpm demo` run produced: what results.json holds. */
export interface Results {
  /** Bumped when the shape changes. */
  version: 1
  generatedAt: string
  platform: NodeJS.Platform
  arch: string
  nodes: Array<{ version: string; major: number }>
  libraries: Library[]
  scenarios: Array<{ id: string; title: string }>
  runs: RunResult[]
  durationMs: number
}

/** Cells of the matrix: the run for a scenario x Node major x library, if any. */
export function findRun(
  results: Pick<Results, 'runs'>,
  scenario: string,
  major: number,
  library: Library,
): RunResult | undefined {
  return results.runs.find(
    (r) => r.scenario === scenario && r.nodeMajor === major && r.library === library,
  )
}

/**
 * Counts runs by status, for one library or all.
 *
 * @example
 * ```ts
 * tally(results.runs, 'client') // { pass: 40, fail: 0, 'n/a': 2 }
 * ```
 */
export function tally(
  runs: readonly RunResult[],
  library?: Library,
): Record<RunResult['status'], number> {
  const counts = { pass: 0, fail: 0, 'n/a': 0 }
  for (const run of runs) if (!library || run.library === library) counts[run.status]++
  return counts
}

/** True when every applicable expectation for @foo/client held: the demo's exit status. */
export function clientPassed(results: Pick<Results, 'runs'>): boolean {
  return tally(results.runs, 'client').fail === 0
}
