import { applicability } from './platform.js'
import type { Scenario } from './scenarios.js'

/**
 * The exit-path table of the READMEs, in Markdown, from the scenarios themselves: one row per
 * scenario with what the program does, what must hold and where it applies. The READMEs carry
 * it between `<!-- exit-paths:begin -->` and `<!-- exit-paths:end -->`; a test fails when the
 * committed copy differs from this.
 *
 * @example
 * ```ts
 * renderScenarioTable(SCENARIOS).split('\n')[0] // '| scenario | the program | expected | applies to |'
 * ```
 */
export function renderScenarioTable(scenarios: readonly Scenario[]): string {
  const rows = scenarios.map((s) => {
    return `| ${s.id} | ${escapeCell(s.title)} | ${escapeCell(expected(s))} | ${escapeCell(appliesTo(s))} |`
  })
  return ['| scenario | the program | expected | applies to |', '|---|---|---|---|', ...rows].join(
    '\n',
  )
}

function expected(scenario: Scenario): string {
  const e = scenario.expect
  const parts = ['code' in e.exit ? `exit ${e.exit.code}` : `killed by ${e.exit.signal}`]
  if (e.stderr) parts.push('the error on stderr')
  if (e.inFlight === 'answered') parts.push('in-flight requests answered')
  if (e.inFlight === 'cut') parts.push('in-flight requests cut, connections still ended with a FIN')
  if (e.closedBeforeMarker) parts.push('every connection closed before the exit (finalizer)')
  if (e.requests !== undefined) parts.push(`${e.requests} requests at the server`)
  for (const marker of e.markers ?? []) parts.push(`prints \`${marker}\``)
  parts.push(`within ${e.maxExitMs / 1000} s`)
  return parts.join(', ')
}

function appliesTo(scenario: Scenario): string {
  const who = scenario.clientOnly ? `@foo/client only (${scenario.clientOnly})` : 'every library'
  const windows = applicability(scenario, 'client', 'win32')
  return windows.applicable ? who : `${who}; not on Windows`
}

function escapeCell(text: string): string {
  return text.replaceAll('|', '\\|')
}
