import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Logger } from 'why-is-node-running'

/** One resource why-is-node-running found alive: its async type and where it was created. */
export interface HangEntry {
  type: string
  /** `file:line - source` lines, outermost call last, Node internals already left out. */
  locations: string[]
}

// Kinds the tracker already lists with addresses and a code frame: not repeated.
const TRACKED_TYPES: ReadonlySet<string> = new Set([
  'Timeout',
  'TCPWRAP',
  'TCPSERVERWRAP',
  'TCPCONNECTWRAP',
  'TLSWRAP',
  'PIPEWRAP',
  'PIPESERVERWRAP',
  'PIPECONNECTWRAP',
  'UDPWRAP',
  'PROCESSWRAP',
  'WORKER',
  'FSEVENTWRAP',
  'STATWATCHER',
])

// The preload's own code is bundled into the directory of this module (dist/); it and anything
// under node_modules are not the user's.
const OWN_DIR = path.dirname(fileURLToPath(import.meta.url))
const DEPENDENCY = /[\\/]node_modules[\\/]/

/** Where user code is told apart from the rest. */
export interface HangScope {
  /** The program's working directory: why-is-node-running prints paths relative to it. */
  cwd: string
  /** This package's own directory (default: the one this module was loaded from). */
  ownDir?: string
}

/**
 * Runs why-is-node-running with a logger that records its report as entries (it logs one line
 * per call: `# TYPE`, then one location per line, or `(unknown stack trace)`).
 *
 * @example
 * ```ts
 * const entries = recordHangEntries((await import('why-is-node-running')).default)
 * ```
 */
export function recordHangEntries(why: (logger: Logger) => void): HangEntry[] {
  const entries: HangEntry[] = []
  let current: HangEntry | undefined
  why({
    error(message: string) {
      if (message.startsWith('# ')) {
        current = { type: message.slice(2).trim(), locations: [] }
        entries.push(current)
      } else if (current !== undefined && message !== '' && message !== '(unknown stack trace)') {
        current.locations.push(message)
      }
    },
  })
  return entries
}

function userLocation(location: string, scope: HangScope): boolean {
  const file = location.split(' - ')[0]?.trim().replace(/:\d+$/, '') ?? ''
  if (file === '' || file.startsWith('node:')) return false
  const absolute = path.resolve(scope.cwd, file)
  const own = scope.ownDir ?? OWN_DIR
  return !DEPENDENCY.test(absolute) && !absolute.startsWith(`${own}${path.sep}`)
}

/**
 * The entries worth showing a user: kinds the tracker does not list, created from the user's own
 * code. Resources with no user frame (`FILEHANDLE (unknown stack trace)` from module loading,
 * `DNSCHANNEL` from Node's resolver) are the runtime's, not the program's.
 *
 * @example
 * ```ts
 * userHangEntries(recordHangEntries(why), { cwd: process.cwd() })
 * ```
 */
export function userHangEntries(entries: HangEntry[], scope: HangScope): HangEntry[] {
  const out: HangEntry[] = []
  for (const entry of entries) {
    if (TRACKED_TYPES.has(entry.type)) continue
    const locations = entry.locations.filter((location) => userLocation(location, scope))
    if (locations.length > 0) out.push({ type: entry.type, locations })
  }
  return out
}

/**
 * Renders entries for the `--timeout` diagnosis, `''` when there are none.
 *
 * @example
 * ```ts
 * formatHangEntries([{ type: 'Immediate', locations: ['app.js:3 - setImmediate(loop)'] }])
 * // 'Also keeping it alive (from why-is-node-running):\n\n# Immediate\napp.js:3 - setImmediate(loop)'
 * ```
 */
export function formatHangEntries(entries: HangEntry[]): string {
  if (entries.length === 0) return ''
  const blocks = entries.map((entry) => [`# ${entry.type}`, ...entry.locations].join('\n'))
  return ['Also keeping it alive (from why-is-node-running):', ...blocks].join('\n\n')
}
