import { LeakcheckError } from './errors.js'
import type { FileStats } from './summary.js'
import type { AllowRule, HandleKind } from './tracker/index.js'

/** Options of {@link leakcheck} (the Vitest plugin). Every field is optional; defaults are strict. */
export interface LeakcheckOptions {
  /**
   * `'fail'` (default): a leak fails the test (or the file) that opened it, so `vitest run` exits
   * non-zero. `'warn'`: the same report is printed as a warning and the run is not failed.
   */
  mode?: 'fail' | 'warn'
  /**
   * `'test'` (default): check after every test and blame the test that opened the handle, and
   * check each file at its end for handles from `beforeAll`, module top level and
   * `test.concurrent` tests. `'file'`: check only at the end of each file.
   */
  scope?: 'test' | 'file'
  /**
   * How long to wait, at most, for handles to close before calling them leaks (milliseconds,
   * real time even under fake timers). Default 1000.
   */
  settleMs?: number
  /** Handles that are never reported: by kind, by remote host/port, or by who created them. */
  allow?: AllowRule[]
}

/** An allow rule in a form that survives `test.provide` into any pool (RegExps flattened). */
export interface ProvidedAllowRule {
  kind?: HandleKind[]
  host?: string | ProvidedPattern
  port?: number
  createdBy?: string | ProvidedPattern
}

/** A RegExp flattened for structured clone across realms (vmThreads/vmForks). */
export interface ProvidedPattern {
  source: string
  flags: string
}

/** Options after validation and defaults, as passed from the plugin to the workers. */
export interface ResolvedOptions {
  mode: 'fail' | 'warn'
  scope: 'test' | 'file'
  settleMs: number
  allow: ProvidedAllowRule[]
}

/** The `test.provide` key the plugin passes the resolved options under. */
export const PROVIDE_KEY = '@foo/leakcheck'

/** Defaults used by the plugin and by `setupFiles: ['@foo/leakcheck/setup']` alone. */
export const DEFAULT_OPTIONS: ResolvedOptions = Object.freeze({
  mode: 'fail',
  scope: 'test',
  settleMs: 1000,
  allow: [],
}) as ResolvedOptions

const HANDLE_KINDS: readonly HandleKind[] = [
  'tcp-socket',
  'tls-socket',
  'tcp-server',
  'udp-socket',
  'pipe',
  'child-process',
  'worker',
  'fs-watcher',
  'timer',
  'interval',
]
const OPTION_KEYS = ['mode', 'scope', 'settleMs', 'allow'] as const
const RULE_KEYS = ['kind', 'host', 'port', 'createdBy'] as const
const MAX_SETTLE_MS = 60_000

function invalid(message: string): LeakcheckError {
  return new LeakcheckError('LEAKCHECK_INVALID_OPTION', message)
}

function describe(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'an array'
  if (value instanceof RegExp) return `a RegExp ${String(value)}`
  if (typeof value === 'string') return `the string ${JSON.stringify(value)}`
  if (typeof value === 'object') return 'an object'
  return `${typeof value} ${String(value)}`
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function closest(key: string, known: readonly string[]): string {
  const lower = key.toLowerCase()
  const hit = known.find((k) => k.toLowerCase() === lower || k.toLowerCase().startsWith(lower))
  return hit ? ` Did you mean \`${hit}\`?` : ''
}

function rejectUnknownKeys(
  value: Record<string, unknown>,
  known: readonly string[],
  where: string,
): void {
  for (const key of Object.keys(value)) {
    if (!known.includes(key)) {
      throw invalid(
        `leakcheck(): unknown option \`${where}${key}\`.${closest(key, known)} ` +
          `Known options: ${known.map((k) => `\`${k}\``).join(', ')}.`,
      )
    }
  }
}

function pattern(value: unknown, where: string): string | ProvidedPattern {
  if (typeof value === 'string' && value.length > 0) return value
  if (value instanceof RegExp) return { source: value.source, flags: value.flags }
  throw invalid(
    `leakcheck(): \`${where}\` must be a non-empty string or a RegExp, got ${describe(value)}. ` +
      `Fix: e.g. \`${where}: 'example.com'\` or \`${where}: /\\.internal$/\`.`,
  )
}

function allowRule(value: unknown, index: number): ProvidedAllowRule {
  const where = `allow[${index}]`
  if (!isPlainObject(value)) {
    throw invalid(
      `leakcheck(): \`${where}\` must be an object like { kind, host, port, createdBy }, got ` +
        `${describe(value)}. Fix: e.g. \`allow: [{ host: 'localhost', port: 6379 }]\`.`,
    )
  }
  rejectUnknownKeys(value, RULE_KEYS, `${where}.`)
  if (RULE_KEYS.every((key) => value[key] === undefined)) {
    throw invalid(
      `leakcheck(): \`${where}\` is empty, so it would allow every handle. Fix: give at least ` +
        'one of `kind`, `host`, `port` or `createdBy`, or use `mode: "warn"` to report without failing.',
    )
  }
  const rule: ProvidedAllowRule = {}
  if (value.kind !== undefined) {
    const kinds = Array.isArray(value.kind) ? value.kind : [value.kind]
    for (const kind of kinds) {
      if (!HANDLE_KINDS.includes(kind as HandleKind)) {
        throw invalid(
          `leakcheck(): \`${where}.kind\` has ${describe(kind)}, which is not a handle kind. ` +
            `Fix: use one of ${HANDLE_KINDS.map((k) => `'${k}'`).join(', ')}.`,
        )
      }
    }
    rule.kind = kinds as HandleKind[]
  }
  if (value.host !== undefined) rule.host = pattern(value.host, `${where}.host`)
  if (value.createdBy !== undefined) rule.createdBy = pattern(value.createdBy, `${where}.createdBy`)
  if (value.port !== undefined) {
    const port = value.port
    if (typeof port !== 'number' || !Number.isInteger(port) || port < 0 || port > 65535) {
      throw invalid(
        `leakcheck(): \`${where}.port\` must be an integer from 0 to 65535, got ${describe(port)}.`,
      )
    }
    rule.port = port
  }
  return rule
}

/**
 * Validates user options and fills in defaults. Throws a {@link LeakcheckError} with code
 * `LEAKCHECK_INVALID_OPTION` and a message that says how to fix the input.
 *
 * @example
 * ```ts
 * resolveOptions({ mode: 'warn' }) // { mode: 'warn', scope: 'test', settleMs: 1000, allow: [] }
 * resolveOptions({ mode: 'loud' }) // throws LeakcheckError LEAKCHECK_INVALID_OPTION
 * ```
 */
export function resolveOptions(options: unknown = {}): ResolvedOptions {
  if (options === undefined) return { ...DEFAULT_OPTIONS, allow: [] }
  if (!isPlainObject(options)) {
    throw invalid(
      `leakcheck() takes an options object, got ${describe(options)}. ` +
        'Fix: call `leakcheck()` or `leakcheck({ mode: "warn" })`.',
    )
  }
  rejectUnknownKeys(options, OPTION_KEYS, '')
  const { mode = 'fail', scope = 'test', settleMs = DEFAULT_OPTIONS.settleMs, allow = [] } = options
  if (mode !== 'fail' && mode !== 'warn') {
    throw invalid(`leakcheck(): \`mode\` must be 'fail' or 'warn', got ${describe(mode)}.`)
  }
  if (scope !== 'test' && scope !== 'file') {
    throw invalid(`leakcheck(): \`scope\` must be 'test' or 'file', got ${describe(scope)}.`)
  }
  if (
    typeof settleMs !== 'number' ||
    !Number.isFinite(settleMs) ||
    settleMs < 0 ||
    settleMs > MAX_SETTLE_MS
  ) {
    throw invalid(
      `leakcheck(): \`settleMs\` must be a number of milliseconds from 0 to ${MAX_SETTLE_MS}, ` +
        `got ${describe(settleMs)}. Fix: e.g. \`settleMs: 2000\` for slow servers.`,
    )
  }
  if (!Array.isArray(allow)) {
    throw invalid(
      `leakcheck(): \`allow\` must be an array of rules, got ${describe(allow)}. ` +
        "Fix: e.g. `allow: [{ kind: 'tcp-server' }]`.",
    )
  }
  return { mode, scope, settleMs, allow: allow.map(allowRule) }
}

/**
 * Reads the options provided to a worker (or the defaults when the setup file is used without
 * the plugin) and turns flattened patterns back into RegExps of this realm.
 *
 * @example
 * ```ts
 * const { options, allow } = fromProvided(inject('@foo/leakcheck'))
 * ```
 */
export function fromProvided(provided: ResolvedOptions | undefined): {
  options: ResolvedOptions
  allow: AllowRule[]
} {
  const options = provided ?? DEFAULT_OPTIONS
  const revive = (value: string | ProvidedPattern): string | RegExp =>
    typeof value === 'string' ? value : new RegExp(value.source, value.flags)
  const allow = options.allow.map((rule) => {
    const out: AllowRule = {}
    if (rule.kind) out.kind = rule.kind
    if (rule.host !== undefined) out.host = revive(rule.host)
    if (rule.port !== undefined) out.port = rule.port
    if (rule.createdBy !== undefined) out.createdBy = revive(rule.createdBy)
    return out
  })
  return { options, allow }
}

declare module 'vitest' {
  interface ProvidedContext {
    /** Resolved options, provided by the `leakcheck()` plugin to the setup file. */
    '@foo/leakcheck': ResolvedOptions
  }
  interface TaskMeta {
    /**
     * `false` turns the leak check off for one test or a whole `describe`:
     * `test('reuses a pool on purpose', { meta: { leakcheck: false } }, async () => { ... })`.
     */
    leakcheck?: false
    /** Counts the setup file attaches to each test file for the run summary. */
    leakcheckStats?: FileStats
  }
}
