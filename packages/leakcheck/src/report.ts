import { existsSync, readFileSync } from 'node:fs'
import { SourceMap, type SourceMapPayload } from 'node:module'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { OpenHandle } from './tracker/types.js'

/** Options for {@link formatLeaks}. */
export interface FormatOptions {
  /** Paths in the report are shown relative to this directory (default `process.cwd()`). */
  root?: string
  /** ANSI colours (default `false`). */
  color?: boolean
  /**
   * Where the leaks were found: `'test'` (default) in a test run, `'program'` at the exit of a
   * program (the `leakcheck` CLI and the register preload), to word the Fix lines for it.
   */
  context?: 'test' | 'program'
}

/** One frame of a V8 stack: `at fn (file:line:col)` or `at file:line:col`. */
export interface StackFrame {
  fn?: string
  file: string
  line: number
  column: number
}

const MAX_FRAMES = 8
const CONTEXT_LINES = 2
// Frames that say nothing about who leaked: Node, the runner, undici's internals and our own.
const NOISE = [
  /^node:/,
  /[\\/]node_modules[\\/](?:\.pnpm[\\/][^\\/]+[\\/]node_modules[\\/])?(?:vitest|@vitest[\\/][^\\/]+|tinypool|vite-node|vite|undici|tinyspy)[\\/]/,
  /[\\/](?:@foo[\\/]leakcheck|packages[\\/]leakcheck)[\\/](?:dist|src)[\\/](?!.*\.test\.)/,
  // @foo/client's own frames: its socket and "created at" frames point at the user's call.
  /[\\/](?:node_modules[\\/]@foo[\\/]client|packages[\\/]client)[\\/](?:dist|src)[\\/]/,
]

/** Parses one stack line; `undefined` for lines that are not file frames. */
export function parseFrame(line: string): StackFrame | undefined {
  const match = /^\s*at (?:(.*?) \()?(.+?):(\d+):(\d+)\)?$/.exec(line)
  if (match === null) return undefined
  const [, fn, location, lineText, columnText] = match
  if (location === undefined) return undefined
  let file = location.startsWith('async ') ? location.slice(6) : location
  if (file.startsWith('file://')) {
    try {
      file = fileURLToPath(file)
    } catch {
      return undefined
    }
  }
  const frame: StackFrame = { file, line: Number(lineText), column: Number(columnText) }
  if (fn !== undefined && fn !== '') frame.fn = fn
  return frame
}

/** The frames of `stack` that belong to user code (at most 8). */
export function userFrames(stack: string): StackFrame[] {
  const frames: StackFrame[] = []
  for (const line of stack.split('\n')) {
    const frame = parseFrame(line)
    if (frame === undefined || NOISE.some((pattern) => pattern.test(frame.file))) continue
    frames.push(frame)
    if (frames.length === MAX_FRAMES) break
  }
  return frames
}

/** Maps a generated position through a sibling `<file>.map`, when there is one. */
function originalPosition(frame: StackFrame): { frame: StackFrame; source?: string } {
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

function relative(file: string, root: string): string {
  const rel = path.relative(root, file)
  return rel.startsWith('..') || path.isAbsolute(rel) ? file : rel.split(path.sep).join('/')
}

function showFrame(frame: StackFrame, root: string): string {
  const where = `${relative(frame.file, root)}:${frame.line}:${frame.column}`
  return frame.fn === undefined ? where : `${frame.fn} (${where})`
}

/** The one line that tells how to fix a leak of this kind. */
export function fixLine(leak: OpenHandle): string {
  if (leak.owner !== undefined) {
    return `Close the ${leak.owner.name} client with \`await client.close()\` in afterEach (or afterAll if the file shares it).`
  }
  const accepted = leak.description.includes('(accepted by a server)')
  switch (leak.kind) {
    case 'tcp-socket':
    case 'tls-socket':
    case 'pipe':
      if (accepted) {
        return 'Close the server and its connections: `server.closeAllConnections()` then `server.close()`.'
      }
      if (leak.description.startsWith('Pipe server')) {
        return 'Close it with `server.close()` in afterEach (await its callback).'
      }
      if (leak.pool === 'undici') {
        return 'It is idle in an undici keep-alive pool: close the Agent/Pool/Client that owns it with `await agent.close()` (for global fetch, `setGlobalDispatcher(agent)` with an undici Agent you close in afterAll).'
      }
      if (leak.pool === 'node:http') {
        return 'It is idle in a node:http Agent: call `agent.destroy()` in afterAll, or use an Agent with `keepAlive: false`.'
      }
      return 'Close it with `socket.destroy()` (or `socket.end()`) before the test ends.'
    case 'tcp-server':
      return 'Close it with `await new Promise((resolve) => server.close(resolve))` in afterEach/afterAll.'
    case 'udp-socket':
      return 'Close it with `socket.close()` before the test ends.'
    case 'child-process':
      return "Wait for it to exit (`await once(child, 'exit')`) or stop it with `child.kill()`."
    case 'worker':
      return 'Stop it with `await worker.terminate()` before the test ends.'
    case 'fs-watcher':
      return 'Close it with `watcher.close()` (for fs.watchFile: `fs.unwatchFile(path)`).'
    case 'timer':
      return 'Clear it with `clearTimeout(timer)`, or `timer.unref()` if it must not keep the process alive.'
    case 'interval':
      return 'Clear it with `clearInterval(interval)` before the test ends.'
  }
}

function stateText(leak: OpenHandle): string {
  if (leak.state === 'idle-keep-alive') {
    return `idle in ${leak.pool === 'node:http' ? 'a node:http Agent' : 'an undici'} keep-alive pool`
  }
  return leak.state === 'unref' ? "unref'd" : 'active'
}

function scopeText(leak: OpenHandle, root: string): string | undefined {
  const { file, test, concurrent } = leak.scope
  if (file === undefined && test === undefined) return undefined
  const shownFile = file === undefined ? undefined : relative(file, root)
  const parts = [shownFile, test].filter((part) => part !== undefined)
  return `${parts.join(' > ')}${concurrent === true ? ' (concurrent: attributed to the file)' : ''}`
}

function groupKey(leak: OpenHandle): string {
  const [first] = userFrames(leak.stack)
  return JSON.stringify([
    leak.kind,
    leak.state,
    leak.pool,
    leak.scope.file,
    leak.scope.test,
    leak.owner?.name,
    leak.owner?.createdAt,
    first === undefined ? leak.stack : `${first.file}:${first.line}:${first.column}`,
  ])
}

const paint = (on: boolean, code: number, text: string) =>
  on ? `\x1b[${code}m${text}\x1b[0m` : text

function ownerText(leak: OpenHandle, root: string): string | undefined {
  const owner = leak.owner
  if (owner === undefined) return undefined
  // Two frames: a subclass's implicit constructor points at its class line, the caller at `new`.
  const created = userFrames(owner.createdAt).slice(0, 2)
  const where =
    created.length === 0
      ? ''
      : `, created at ${created.map((frame) => showFrame(frame, root)).join(' <- ')}`
  const reachable = owner.reachable ? 'still reachable' : 'collected'
  return `@foo/client ${owner.name}${where} (${reachable})`
}

function formatGroup(group: OpenHandle[], root: string, color: boolean): string {
  const leak = group[0] as OpenHandle
  const count = group.length > 1 ? `${group.length}x ` : ''
  const lines = [paint(color, 1, `${count}${leak.description} (${stateText(leak)})`)]
  if (group.length > 1) {
    const others = [...new Set(group.slice(1).map((h) => h.description))].slice(0, 3)
    for (const other of others) lines.push(`  also: ${other}`)
  }
  const scope = scopeText(leak, root)
  if (scope !== undefined) lines.push(`  test: ${scope}`)
  const owner = ownerText(leak, root)
  if (owner !== undefined) lines.push(`  owner: ${owner}`)
  const frames = userFrames(leak.stack)
  if (frames.length > 0) {
    lines.push('  opened at:')
    for (const frame of frames) lines.push(paint(color, 2, `    at ${showFrame(frame, root)}`))
    const first = frames[0] as StackFrame
    const { frame, source } = originalPosition(first)
    const code = codeFrame(frame, source)
    if (code !== undefined) {
      if (frame !== first) lines.push(`  (source: ${showFrame(frame, root)})`)
      lines.push('', ...code.split('\n').map((line) => `    ${line}`), '')
    }
  } else {
    lines.push('  opened at: (no user code in the stack)')
  }
  lines.push(paint(color, 36, `  Fix: ${fixLine(leak)}`))
  return lines.join('\n')
}

/**
 * Formats leaks Deno-style: identical leaks grouped, each with its state, addresses, test,
 * creation stack trimmed to user frames, a code frame (source-mapped when a sibling `.map`
 * exists), the owning `@foo/client` and one line on how to fix it. Only the leaks are formatted,
 * so the cost is paid only when something leaked.
 *
 * @example
 * ```ts
 * const { leaks } = await tracker.settle({ since: mark })
 * if (leaks.length > 0) console.error(formatLeaks(leaks, { root: process.cwd() }))
 * ```
 */
export function formatLeaks(leaks: OpenHandle[], options: FormatOptions = {}): string {
  if (leaks.length === 0) return 'No open handles.'
  const root = options.root ?? process.cwd()
  const color = options.color ?? false
  const groups = new Map<string, OpenHandle[]>()
  for (const leak of leaks) {
    const key = groupKey(leak)
    const group = groups.get(key)
    if (group === undefined) groups.set(key, [leak])
    else group.push(leak)
  }
  const header = `${leaks.length} open handle${leaks.length === 1 ? '' : 's'} left behind${
    groups.size < leaks.length ? ` (${groups.size} distinct)` : ''
  }:`
  return [
    paint(color, 31, header),
    ...[...groups.values()].map((group) => formatGroup(group, root, color)),
  ].join('\n\n')
}
