import type { RunResult } from '../run.js'

/** Short text of a run's connection endings: `3 FIN`, `2 FIN 1 RST`, `1 open`. */
export function endingsText(run: RunResult): string {
  const c = run.connections
  const parts: string[] = []
  if (c.fin) parts.push(`${c.fin} FIN`)
  if (c.rst) parts.push(`${c.rst} RST`)
  if (c.server) parts.push(`${c.server} srv`)
  if (c.open) parts.push(`${c.open} open`)
  return parts.length > 0 ? parts.join(' ') : 'none'
}

/** `120 ms` or `-`. */
export function msText(ms: number | undefined): string {
  return ms === undefined ? '-' : `${ms} ms`
}

/** First line of stderr, shortened, or `-`. */
export function stderrText(run: RunResult, width = 40): string {
  const line = run.stderr.split(/\r?\n/).find((l) => l.trim() !== '') ?? ''
  if (line === '') return '-'
  return line.length > width ? `${line.slice(0, width - 1)}…` : line
}

/** `PASS`, `FAIL` or `n/a`. */
export function statusText(run: Pick<RunResult, 'status'>): string {
  return run.status === 'n/a' ? 'n/a' : run.status.toUpperCase()
}
