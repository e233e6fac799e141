import { readFileSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { renderScenarioTable, SCENARIOS } from '@foo/testkit'

const BEGIN =
  '<!-- exit-paths:begin (generated from SCENARIOS by `pnpm --filter @foo/demo readme`) -->'
const END = '<!-- exit-paths:end -->'

/** The READMEs that carry the exit-path table. */
export const README_FILES: readonly string[] = [
  fileURLToPath(new URL('../../../README.md', import.meta.url)),
  fileURLToPath(new URL('../README.md', import.meta.url)),
]

/** A README without the exit-path markers. */
export class ReadmeMarkersError extends Error {
  readonly code = 'DEMO_ERR_README_MARKERS'
}

/**
 * `text` with the exit-path table between its markers replaced by `table`.
 *
 * @example
 * ```ts
 * withScenarioTable(readme, renderScenarioTable(SCENARIOS))
 * ```
 */
export function withScenarioTable(text: string, table: string, file = 'README'): string {
  const begin = text.indexOf(BEGIN)
  const end = text.indexOf(END)
  if (begin < 0 || end < begin) {
    throw new ReadmeMarkersError(`${file}: no '${BEGIN}' ... '${END}' block to fill`)
  }
  return `${text.slice(0, begin + BEGIN.length)}\n${table}\n${text.slice(end)}`
}

/**
 * Rewrites the exit-path table of every README from {@link SCENARIOS}; returns the files that
 * changed.
 *
 * @example
 * ```ts
 * writeReadmeTables() // ['/repo/README.md']
 * ```
 */
export function writeReadmeTables(): string[] {
  const table = renderScenarioTable(SCENARIOS)
  const changed: string[] = []
  for (const file of README_FILES) {
    const text = readFileSync(file, 'utf8')
    const next = withScenarioTable(text, table, file)
    if (next !== text) {
      writeFileSync(file, next)
      changed.push(file)
    }
  }
  return changed
}
