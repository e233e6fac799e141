import { findRun, type Results, tally } from '../results.js'
import type { RunResult } from '../run.js'
import { endingsText, msText, statusText } from './cells.js'

const COLORS = { pass: '#2da44e', fail: '#cf222e', 'n/a': '#afb8c1', none: '#f6f8fa' } as const
const GLYPH = { pass: '✓', fail: '✗', 'n/a': '–' } as const
const LABEL_W = 236
const CELL_W = 56
const CELL_H = 24
const GROUP_GAP = 16
const TOP = 86

/**
 * Renders the scenario x Node major x library matrix as a self-contained SVG: one row per
 * scenario, one column group per Node major, one green/red/grey cell per library. Each cell's
 * tooltip says what was expected and seen.
 *
 * @example
 * ```ts
 * writeFileSync('reports/matrix.svg', renderSvg(results))
 * ```
 */
export function renderSvg(results: Results): string {
  const libraries = results.libraries
  const groupW = libraries.length * CELL_W + GROUP_GAP
  const width = LABEL_W + results.nodes.length * groupW + 8
  const height = TOP + results.scenarios.length * CELL_H + 56
  const client = tally(results.runs, 'client')
  const verdict =
    client.fail === 0
      ? `@foo/client: all ${client.pass} applicable cases pass`
      : `@foo/client: ${client.fail} of ${client.pass + client.fail} applicable cases FAIL`
  const parts: string[] = []
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="-apple-system,Segoe UI,Helvetica,Arial,sans-serif" font-size="12">`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    text(8, 22, `Shutdown without close(): ${verdict}`, { size: 15, weight: 'bold' }),
    text(
      8,
      40,
      `${results.platform} ${results.arch} · ${results.generatedAt.slice(0, 10)} · baselines (${libraries.filter((l) => l !== 'client').join(', ')}) shown, not required`,
      {
        size: 11,
        fill: '#57606a',
      },
    ),
  )
  results.nodes.forEach((node, g) => {
    const x0 = LABEL_W + g * groupW
    parts.push(
      text(x0 + (libraries.length * CELL_W) / 2, TOP - 28, `Node ${node.major}`, {
        anchor: 'middle',
        weight: 'bold',
      }),
    )
    libraries.forEach((library, i) => {
      parts.push(
        text(x0 + i * CELL_W + CELL_W / 2, TOP - 8, library, {
          anchor: 'middle',
          size: 11,
          weight: library === 'client' ? 'bold' : 'normal',
          fill: library === 'client' ? '#24292f' : '#57606a',
        }),
      )
    })
  })
  results.scenarios.forEach((scenario, row) => {
    const y = TOP + row * CELL_H
    if (row % 2 === 0) {
      parts.push(`<rect x="0" y="${y}" width="${width}" height="${CELL_H}" fill="#f6f8fa"/>`)
    }
    parts.push(`<g><title>${escapeXml(scenario.title)}</title>${text(8, y + 16, scenario.id)}</g>`)
    results.nodes.forEach((node, g) => {
      libraries.forEach((library, i) => {
        const run = findRun(results, scenario.id, node.major, library)
        const x = LABEL_W + g * groupW + i * CELL_W
        parts.push(cell(x + 2, y + 2, CELL_W - 4, CELL_H - 4, run))
      })
    })
  })
  const legendY = TOP + results.scenarios.length * CELL_H + 26
  let lx = 8
  for (const [status, label] of [
    ['pass', 'expectation held'],
    ['fail', 'expectation failed'],
    ['n/a', 'not applicable'],
  ] as const) {
    parts.push(
      `<rect x="${lx}" y="${legendY - 12}" width="16" height="16" rx="3" fill="${COLORS[status]}"/>`,
    )
    parts.push(text(lx + 22, legendY, label, { size: 11 }))
    lx += 150
  }
  parts.push(
    text(lx, legendY, 'exit status, time to exit, FIN/RST/open, stderr (hover a cell)', {
      size: 11,
      fill: '#57606a',
    }),
  )
  parts.push('</svg>', '')
  return parts.join('\n')
}

function cell(x: number, y: number, w: number, h: number, run: RunResult | undefined): string {
  if (!run)
    return `<rect x="${x}" y="${y}" width="${w}" height="${h}" rx="3" fill="${COLORS.none}"/>`
  const tip = [
    `${run.scenario} · ${run.library} · ${run.nodeVersion}: ${statusText(run)}`,
    `exit: expected ${run.expectedExit}, saw ${run.seenExit}; ${msText(run.msToExit)} after the last response`,
    `connections: ${endingsText(run)}; leakcheck: ${run.leakcheck.verdict}`,
    ...run.reasons,
  ].join('\n')
  return (
    `<g><title>${escapeXml(tip)}</title>` +
    `<rect x="${x}" y="${y}" width="${w}" height="${h}" rx="3" fill="${COLORS[run.status]}"/>` +
    text(x + w / 2, y + h / 2 + 5, GLYPH[run.status], {
      anchor: 'middle',
      fill: '#ffffff',
      weight: 'bold',
      size: 14,
    }) +
    '</g>'
  )
}

interface TextStyle {
  size?: number
  weight?: 'bold' | 'normal'
  anchor?: 'start' | 'middle'
  fill?: string
}

function text(x: number, y: number, content: string, style: TextStyle = {}): string {
  const attrs = [`x="${x}"`, `y="${y}"`]
  if (style.size) attrs.push(`font-size="${style.size}"`)
  if (style.weight === 'bold') attrs.push('font-weight="bold"')
  if (style.anchor === 'middle') attrs.push('text-anchor="middle"')
  attrs.push(`fill="${style.fill ?? '#24292f'}"`)
  return `<text ${attrs.join(' ')}>${escapeXml(content)}</text>`
}

/** Escapes text for XML content and attributes. */
export function escapeXml(value: string): string {
  return value
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
}
