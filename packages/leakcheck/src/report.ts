import path from 'node:path'
import { codeFrame, originalPosition } from './code-frame.js'
import { fixLine, type ReportContext } from './fix.js'
import { parseStack, userFrames } from './frames.js'
import type { KeptClient } from './kept-clients.js'
import { groupHandles, type LeakGroup } from './policy.js'
import type { Endpoint, HandleKind, OpenHandle, Scope, StackFrame } from './tracker/types.js'

/** Options for {@link formatLeaks} and {@link formatGroups}. */
export interface FormatOptions {
  /** Paths in the report are shown relative to this directory (default `process.cwd()`). */
  root?: string
  /** ANSI colours (default `false`). */
  color?: boolean
  /** `'test'` (default) words Fix lines for a test file; `'program'` for a program the CLI ran. */
  context?: ReportContext
}

const MAX_LISTED = 3

const LABELS: Record<HandleKind, string> = {
  'tcp-socket': 'TCP socket',
  'tls-socket': 'TLS socket',
  'tcp-server': 'TCP server',
  'udp-socket': 'UDP socket',
  pipe: 'Pipe',
  'child-process': 'Child process',
  worker: 'Worker thread',
  'fs-watcher': 'File watcher',
  timer: 'Timer',
  interval: 'Interval',
  'message-port': 'MessagePort',
  'broadcast-channel': 'BroadcastChannel',
}

/** `'127.0.0.1:8080'`, `'[::1]:8080'`, `'localhost:8080 (127.0.0.1)'`, or a pipe path. */
export function formatEndpoint(endpoint: Endpoint | undefined): string {
  if (endpoint === undefined) return '?'
  const bracket = (host: string) =>
    host.includes(':') && !host.startsWith('[') ? `[${host}]` : host
  const port = endpoint.port === undefined ? '' : `:${endpoint.port}`
  if (endpoint.host !== undefined) return `${bracket(endpoint.host)}${port} (${endpoint.address})`
  return `${bracket(endpoint.address)}${port}`
}

/** One line saying what a handle is. */
export function describeHandle(handle: OpenHandle): string {
  const label = LABELS[handle.kind]
  switch (handle.kind) {
    case 'tcp-socket':
    case 'tls-socket':
    case 'pipe': {
      if (handle.role === undefined)
        return `Pipe server listening on ${formatEndpoint(handle.local)}`
      const ends = `${formatEndpoint(handle.local)} -> ${formatEndpoint(handle.remote)}`
      if (handle.owner?.type === 'http2-session') {
        return `HTTP/2 session ${ends} (${label}, ${handle.owner.streams} stream${handle.owner.streams === 1 ? '' : 's'} open)`
      }
      return `${label} ${ends}${handle.role === 'accepted' ? ' (accepted by a server)' : ''}`
    }
    case 'tcp-server':
      return `${handle.protocol === 'http2' ? 'HTTP/2 server' : label} listening on ${formatEndpoint(handle.local)}`
    case 'udp-socket':
      return handle.local === undefined
        ? label
        : `${label} bound to ${formatEndpoint(handle.local)}`
    case 'child-process': {
      const command = handle.command ?? ''
      const shown = command.length > 80 ? `${command.slice(0, 77)}...` : command
      return `${label} (pid ${handle.pid ?? '?'}) ${shown}`.trimEnd()
    }
    case 'worker':
      return `${label} ${handle.threadId ?? ''}`.trimEnd()
    case 'fs-watcher':
      return `${label}${handle.path === undefined ? '' : ` on ${handle.path}`}`
    case 'timer':
    case 'interval':
      return `${label} of ${handle.delayMs ?? '?'} ms`
    case 'message-port':
      return `${label} with a 'message' listener`
    case 'broadcast-channel':
      return handle.path === undefined ? label : `${label} '${handle.path}'`
  }
}

function stateText(handle: OpenHandle): string {
  switch (handle.state) {
    case 'idle-keep-alive': {
      const owner = handle.owner
      if (owner?.type === 'pool' && owner.pool === 'node:http') return 'idle in a node:http Agent'
      if (owner?.type === 'pool' && owner.global) return "idle in global fetch's pool"
      return 'idle in an undici keep-alive pool'
    }
    case 'unref':
      return "unref'd"
    case 'closing':
      return handle.kind === 'timer' ? 'about to fire' : 'still closing'
    case 'starting':
      return 'not listening yet'
    default:
      return handle.owner?.type === 'pool' || handle.owner?.type === 'foo-client'
        ? 'active: a request is unfinished'
        : 'active'
  }
}

function relative(file: string, root: string): string {
  const rel = path.relative(root, file)
  return rel.startsWith('..') || path.isAbsolute(rel) ? file : rel.split(path.sep).join('/')
}

function showFrame(frame: StackFrame, root: string): string {
  const where = `${relative(frame.file, root)}:${frame.line}:${frame.column}`
  return frame.fn === undefined ? where : `${frame.fn} (${where})`
}

function scopeText(scope: Scope, root: string): string {
  const file = scope.file === undefined ? undefined : relative(scope.file, root)
  if (scope.test !== undefined) return [file, scope.test].filter(Boolean).join(' > ')
  return `${file ?? 'the file'} (module top level or beforeAll)`
}

const paint = (on: boolean, code: number, text: string) =>
  on ? `\x1b[${code}m${text}\x1b[0m` : text

function ownerText(handle: OpenHandle, root: string): string | undefined {
  const owner = handle.owner
  if (owner?.type !== 'foo-client') return undefined
  // Two frames: a subclass's implicit constructor points at its class line, the caller at `new`.
  const created = userFrames(parseStack(owner.createdAt)).slice(0, 2)
  const where =
    created.length === 0
      ? ''
      : `, created at ${created.map((frame) => showFrame(frame, root)).join(' <- ')}`
  return `@foo/client ${owner.name}${where} (${owner.reachable ? 'still reachable' : 'collected'})`
}

function count(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`
}

/** What closes with the cause, summed up: the connections a server accepted, the other end. */
function membersText(group: LeakGroup): string | undefined {
  const members = group.members
  if (members.length === 0) return undefined
  const accepted = members.filter((h) => h.role === 'accepted')
  const clients = members.filter((h) => h.role === 'client')
  const cause = group.causes[0] as OpenHandle
  const isServer =
    cause.kind === 'tcp-server' || (cause.kind === 'pipe' && cause.role === undefined)
  const parts: string[] = []
  if (isServer) {
    if (accepted.length > 0)
      parts.push(count(accepted.length, 'connection it accepted', 'connections it accepted'))
    if (clients.length > 0) {
      const states = new Map<string, number>()
      for (const client of clients) {
        const state = stateText(client)
        states.set(state, (states.get(state) ?? 0) + 1)
      }
      const detail = [...states].map(([state, n]) => `${n} ${state}`).join(', ')
      parts.push(`${count(clients.length, 'client end')} in this process (${detail})`)
    }
  } else if (accepted.length > 0) {
    parts.push(`the other end, ${accepted.map((h) => describeHandle(h)).join('; ')}`)
  }
  const rest = members.length - accepted.length - clients.length
  if (rest > 0) parts.push(count(rest, 'other handle'))
  return `  with: ${parts.join(', and ')} (they close with it)`
}

function formatGroup(
  group: LeakGroup,
  root: string,
  color: boolean,
  context: ReportContext,
): string {
  const cause = group.causes[0] as OpenHandle
  const count = group.causes.length > 1 ? `${group.causes.length}x ` : ''
  const lines = [paint(color, 1, `${count}${describeHandle(cause)} (${stateText(cause)})`)]
  for (const other of group.causes.slice(1, 1 + MAX_LISTED))
    lines.push(`  also: ${describeHandle(other)}`)
  const members = membersText(group)
  if (members !== undefined) lines.push(members)
  if (context === 'test' && (group.blame.file !== undefined || group.blame.test !== undefined)) {
    lines.push(
      `  ${group.reason === 'left-busy' ? 'left busy by' : 'test'}: ${scopeText(group.blame, root)}`,
    )
    if (group.reason === 'left-busy' && cause.scope.test !== group.blame.test) {
      lines.push(`  connection opened by: ${scopeText(cause.scope, root)}`)
    }
  }
  const owner = ownerText(cause, root)
  if (owner !== undefined) lines.push(`  owner: ${owner}`)
  const frames = userFrames(cause.frames)
  if (frames.length > 0) {
    lines.push('  opened at:')
    for (const frame of frames) lines.push(paint(color, 2, `    at ${showFrame(frame, root)}`))
  } else {
    lines.push('  opened at: (no user code in the stack)')
  }
  if (group.sites.length > 1) {
    lines.push(`  at ${group.sites.length} places:`)
    for (const place of group.sites) lines.push(paint(color, 2, `    ${showFrame(place, root)}`))
  }
  const site = group.sites[0]
  if (site !== undefined) {
    const { frame, source } = originalPosition(site)
    const code = codeFrame(frame, source)
    if (code !== undefined) {
      if (frame !== site || site !== frames[0]) lines.push(`  (code: ${showFrame(frame, root)})`)
      lines.push('', ...code.split('\n').map((line) => `    ${line}`), '')
    }
  }
  lines.push(paint(color, 36, `  Fix: ${fixLine(group, context)}`))
  return lines.join('\n')
}

/**
 * Formats groups (from `judge()`) Deno-style: per root cause its handles, state, addresses, test,
 * creation stack trimmed to user frames, a code frame of the line to act on (source-mapped when
 * a sibling `.map` exists), the owning `@foo/client` and one line on how to fix it.
 *
 * @example
 * ```ts
 * const verdict = await check(tracker, { at: 'file', file })
 * if (verdict.leaks.length > 0) console.error(formatGroups(verdict.leaks))
 * ```
 */
export function formatGroups(groups: readonly LeakGroup[], options: FormatOptions = {}): string {
  if (groups.length === 0) return 'No open handles.'
  const root = options.root ?? process.cwd()
  const color = options.color ?? false
  const context = options.context ?? 'test'
  const handles = groups.reduce((n, g) => n + g.causes.length + g.members.length, 0)
  const header = `${groups.length} root cause${groups.length === 1 ? '' : 's'} (${handles} open handle${handles === 1 ? '' : 's'}):`
  return [
    paint(color, 31, header),
    ...groups.map((g) => formatGroup(g, root, color, context)),
  ].join('\n\n')
}

/**
 * Formats open handles (from a probe or `tracker.open()`), identical ones grouped.
 *
 * @example
 * ```ts
 * const leaks = await probe.leaks()
 * if (leaks.length > 0) console.error(formatLeaks(leaks, { root: process.cwd() }))
 * ```
 */
export function formatLeaks(leaks: readonly OpenHandle[], options: FormatOptions = {}): string {
  if (leaks.length === 0) return 'No open handles.'
  return formatGroups(groupHandles(leaks), options)
}

/**
 * Formats `@foo/client`s a test file created and kept where they outlive it (`globalThis`,
 * `process`), with where each was created and how to fix it.
 *
 * @example
 * ```ts
 * formatKeptClients([{ name: 'Api', createdAt: '    at api.test.ts:3:13', path: 'globalThis.api' }])
 * ```
 */
export function formatKeptClients(
  kept: readonly KeptClient[],
  options: FormatOptions = {},
): string {
  const root = options.root ?? process.cwd()
  return kept
    .map((client) => {
      const [created] = userFrames(parseStack(client.createdAt))
      const where = created === undefined ? '' : `, created at ${showFrame(created, root)}`
      return [
        `@foo/client ${client.name} kept in ${client.path}${where}`,
        '  It outlives this file, and its connections with it.',
        `  Fix: keep it in a module-level \`const\` of the test file (it closes itself once the file is done and at exit), or call \`await ${client.path.split('.').at(-1) ?? 'client'}.close()\` in afterAll.`,
      ].join('\n')
    })
    .join('\n\n')
}
