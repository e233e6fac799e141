// Loads Vitest's own types before the augmentation below: TaskMeta is a re-export in 'vitest',
// and TypeScript merges an augmentation of it only when 'vitest' was read first (otherwise a
// config file that imports this package ahead of the tests got TS2769 for `meta.leakcheck`).
/// <reference types="vitest" preserve="true" />
import { didYouMean } from './did-you-mean.js'
import { describeValue, LeakcheckError } from './errors.js'
import type { FileStats } from './summary.js'
import { validateAllowRules } from './tracker/allow.js'
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
   * How long to wait, at most, for handles whose close has started (a killed child, an ended
   * socket, a closing server) before calling them leaks (milliseconds, real time even under fake
   * timers). Handles that are simply open are reported without waiting. Default 1000.
   */
  settleMs?: number
  /**
   * A pending one-shot timer of at most this many ms is reported as a warning, not a failure (the
   * guard timer of a `Promise.race`). Longer timers and every interval fail. Default 5000.
   */
  shortTimerMs?: number
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
  shortTimerMs: number
  allow: ProvidedAllowRule[]
}

/** The `test.provide` key the plugin passes the resolved options under. */
export const PROVIDE_KEY = '@foo/leakcheck'

/** Defaults used by the plugin and by `setupFiles: ['@foo/leakcheck/setup']` alone. */
export const DEFAULT_OPTIONS: ResolvedOptions = Object.freeze({
  mode: 'fail',
  scope: 'test',
  settleMs: 1000,
  shortTimerMs: 5000,
  allow: [],
}) as ResolvedOptions

const OPTION_KEYS = ['mode', 'scope', 'settleMs', 'shortTimerMs', 'allow'] as const
const MAX_SETTLE_MS = 60_000
const MAX_SHORT_TIMER_MS = 2_147_483_647

function invalid(message: string): LeakcheckError {
  return new LeakcheckError('LEAKCHECK_INVALID_OPTION', message)
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function rejectUnknownKeys(
  value: Record<string, unknown>,
  known: readonly string[],
  where: string,
): void {
  for (const key of Object.keys(value)) {
    if (!known.includes(key)) {
      throw invalid(
        `leakcheck(): unknown option \`${where}${key}\`.${didYouMean(key, known)} ` +
          `Known options: ${known.map((k) => `\`${k}\``).join(', ')}.`,
      )
    }
  }
}

function flatten(value: string | RegExp): string | ProvidedPattern {
  return typeof value === 'string' ? value : { source: value.source, flags: value.flags }
}

/** A validated rule in a form `test.provide` can carry into any pool. */
function provided(rule: AllowRule): ProvidedAllowRule {
  const out: ProvidedAllowRule = {}
  if (rule.kind !== undefined) out.kind = Array.isArray(rule.kind) ? rule.kind : [rule.kind]
  if (rule.host !== undefined) out.host = flatten(rule.host)
  if (rule.port !== undefined) out.port = rule.port
  if (rule.createdBy !== undefined) out.createdBy = flatten(rule.createdBy)
  return out
}

/**
 * Validates user options and fills in defaults. Throws a {@link LeakcheckError} with code
 * `LEAKCHECK_INVALID_OPTION` and a message that says how to fix the input.
 *
 * @example
 * ```ts
 * resolveOptions({ mode: 'warn' }) // { mode: 'warn', scope: 'test', settleMs: 1000, shortTimerMs: 5000, allow: [] }
 * resolveOptions({ mode: 'loud' }) // throws LeakcheckError LEAKCHECK_INVALID_OPTION
 * ```
 */
export function resolveOptions(options: unknown = {}): ResolvedOptions {
  if (options === undefined) return { ...DEFAULT_OPTIONS, allow: [] }
  if (!isPlainObject(options)) {
    throw invalid(
      `leakcheck() takes an options object, got ${describeValue(options)}. ` +
        'Fix: call `leakcheck()` or `leakcheck({ mode: "warn" })`.',
    )
  }
  rejectUnknownKeys(options, OPTION_KEYS, '')
  const {
    mode = 'fail',
    scope = 'test',
    settleMs = DEFAULT_OPTIONS.settleMs,
    shortTimerMs = DEFAULT_OPTIONS.shortTimerMs,
    allow = [],
  } = options
  if (mode !== 'fail' && mode !== 'warn') {
    throw invalid(`leakcheck(): \`mode\` must be 'fail' or 'warn', got ${describeValue(mode)}.`)
  }
  if (scope !== 'test' && scope !== 'file') {
    throw invalid(`leakcheck(): \`scope\` must be 'test' or 'file', got ${describeValue(scope)}.`)
  }
  if (
    typeof settleMs !== 'number' ||
    !Number.isFinite(settleMs) ||
    settleMs < 0 ||
    settleMs > MAX_SETTLE_MS
  ) {
    throw invalid(
      `leakcheck(): \`settleMs\` must be a number of milliseconds from 0 to ${MAX_SETTLE_MS}, ` +
        `got ${describeValue(settleMs)}. Fix: e.g. \`settleMs: 2000\` for slow servers.`,
    )
  }
  if (
    typeof shortTimerMs !== 'number' ||
    !Number.isInteger(shortTimerMs) ||
    shortTimerMs < 0 ||
    shortTimerMs > MAX_SHORT_TIMER_MS
  ) {
    throw invalid(
      `leakcheck(): \`shortTimerMs\` must be a whole number of milliseconds from 0 to ${MAX_SHORT_TIMER_MS}, ` +
        `got ${describeValue(shortTimerMs)}. Fix: e.g. \`shortTimerMs: 0\` to fail every pending timer.`,
    )
  }
  return { mode, scope, settleMs, shortTimerMs, allow: validateAllowRules(allow).map(provided) }
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
