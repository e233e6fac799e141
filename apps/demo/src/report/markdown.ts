import { findRun, type Results, tally } from '../results.js'
import { endingsText, msText, statusText, stderrText } from './cells.js'

/**
 * Renders results as Markdown: a verdict line, the scenario x (Node, library) matrix, then one
 * row per run with what was expected and seen, then the failures with their reasons.
 *
 * @example
 * ```ts
 * writeFileSync('reports/results.md', renderMarkdown(results))
 * ```
 */
export function renderMarkdown(results: Results): string {
  const out: string[] = []
  const client = tally(results.runs, 'client')
  out.push('# Shutdown demo: every exit path, no close()', '')
  out.push(
    `${results.platform} ${results.arch}, Node ${results.nodes.map((n) => n.version).join(', ')}, ` +
      `${results.generatedAt}, ${(results.durationMs / 1000).toFixed(1)} s.`,
    '',
  )
  out.push(
    `**@foo/client: ${client.pass} passed, ${client.fail} failed, ${client['n/a']} not applicable.** ` +
      `Baselines (${results.libraries.filter((l) => l !== 'client').join(', ')}, never closed) are shown for comparison and not required to pass.`,
    '',
  )
  out.push('## Matrix', '')
  const columns = results.nodes.flatMap((n) =>
    results.libraries.map((l) => ({ node: n, library: l })),
  )
  out.push(`| scenario | ${columns.map((c) => `${c.library} (${c.node.major})`).join(' | ')} |`)
  out.push(`|---|${columns.map(() => ':-:').join('|')}|`)
  const icon = { pass: '✅', fail: '❌', 'n/a': '➖' } as const
  for (const s of results.scenarios) {
    const cells = columns.map((c) => {
      const run = findRun(results, s.id, c.node.major, c.library)
      return run ? icon[run.status] : ' '
    })
    out.push(`| ${s.id} | ${cells.join(' | ')} |`)
  }
  out.push('', '## Runs', '')
  out.push(
    '| scenario | library | node | verdict | exit expected | exit seen | ms to exit | connections | close_notify | stderr | leakcheck |',
  )
  out.push('|---|---|---|---|---|---|--:|---|--:|---|---|')
  for (const run of results.runs) {
    out.push(
      `| ${run.scenario} | ${run.library} | ${run.nodeVersion} | ${statusText(run)} | ${run.expectedExit} | ${run.seenExit} | ${msText(run.msToExit)} | ${endingsText(run)} | ${run.connections.closeNotify}/${run.connections.total} | ${escapeCell(stderrText(run))} | ${run.leakcheck.verdict} |`,
    )
  }
  const notable = results.runs.filter((r) => r.status !== 'pass')
  if (notable.length > 0) {
    out.push('', '## Failures and not applicable', '')
    for (const run of notable) {
      out.push(
        `- **${run.scenario} / ${run.library} / ${run.nodeVersion}** (${statusText(run)}): ${escapeCell(run.reasons.join('; '))}`,
      )
      if (run.diagnosis)
        out.push('', '  ```', ...run.diagnosis.split('\n').map((l) => `  ${l}`), '  ```')
    }
  }
  out.push('')
  return out.join('\n')
}

function escapeCell(text: string): string {
  return text.replaceAll('|', '\\|').replaceAll('\n', ' ')
}
