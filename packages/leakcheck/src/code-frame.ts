import { existsSync, readFileSync } from 'node:fs'
import { SourceMap, type SourceMapPayload } from 'node:module'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { StackFrame } from './tracker/types.js'

const CONTEXT_LINES = 2

/** Maps a generated position through a sibling `<file>.map`, when there is one. */
export function originalPosition(frame: StackFrame): { frame: StackFrame; source?: string } {
  const mapFile = `${frame.file}.map`
  if (!existsSync(mapFile)) return { frame }
  try {
    const payload = JSON.parse(readFileSync(mapFile, 'utf8')) as SourceMapPayload & {
      sourcesContent?: Array<string | null>
    }
    const entry = new SourceMap(payload).findEntry(frame.line - 1, frame.column - 1) as {
      originalSource?: string
      originalLine?: number
      originalColumn?: number
    }
    if (entry.originalSource === undefined || entry.originalLine === undefined) return { frame }
    const index = payload.sources?.indexOf(entry.originalSource) ?? -1
    const source = index >= 0 ? (payload.sourcesContent?.[index] ?? undefined) : undefined
    let file = entry.originalSource
    if (file.startsWith('file://')) file = fileURLToPath(file)
    else if (!path.isAbsolute(file)) file = path.resolve(path.dirname(frame.file), file)
    const mapped: StackFrame = {
      file,
      line: entry.originalLine + 1,
      column: (entry.originalColumn ?? 0) + 1,
    }
    if (frame.fn !== undefined) mapped.fn = frame.fn
    return source === undefined ? { frame: mapped } : { frame: mapped, source }
  } catch {
    return { frame }
  }
}

/** A few lines of source around `frame`, with a caret under the column. */
export function codeFrame(frame: StackFrame, source?: string): string | undefined {
  let text = source
  if (text === undefined) {
    try {
      text = readFileSync(frame.file, 'utf8')
    } catch {
      return undefined
    }
  }
  const lines = text.split(/\r?\n/)
  if (frame.line < 1 || frame.line > lines.length) return undefined
  const first = Math.max(1, frame.line - CONTEXT_LINES)
  const last = Math.min(lines.length, frame.line + CONTEXT_LINES)
  const width = String(last).length
  const out: string[] = []
  for (let n = first; n <= last; n++) {
    const marker = n === frame.line ? '>' : ' '
    out.push(`${marker} ${String(n).padStart(width)} | ${lines[n - 1] ?? ''}`.trimEnd())
    if (n === frame.line) {
      out.push(`  ${' '.repeat(width)} | ${' '.repeat(Math.max(0, frame.column - 1))}^`)
    }
  }
  return out.join('\n')
}
