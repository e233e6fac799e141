import { LeakcheckError, LeakError } from './errors.js'
import { formatLeaks } from './report.js'
import { allows, validateAllowRules } from './tracker/allow.js'
import { startTracker, type Tracker } from './tracker/index.js'
import type { AllowRule, OpenHandle } from './tracker/types.js'

/** Options for {@link track}. */
export interface TrackOptions {
  /** Handles never reported by this probe (by kind, host/port, or creator in the stack). */
  allow?: AllowRule[]
  /** How long `leaks()` waits for handles to close, in ms. Default 1000. */
  deadlineMs?: number
}

/** Options for {@link Probe.leaks} and {@link Probe.assertNone}. */
export interface ProbeCheckOptions {
  /** Overrides the probe's deadline. */
  deadlineMs?: number
  /** Trigger a GC first so unreachable, self-closing owners are not leaks. Default `true`. */
  gc?: boolean
}

/** What {@link track} returns: a window on the handles opened since it was called. */
export interface Probe {
  /**
   * Settles (polls until stable on real timers, with a GC) and returns the handles opened
   * since `track()` that are still open.
   */
  leaks(options?: ProbeCheckOptions): Promise<OpenHandle[]>
  /** Like `leaks()`, but throws a {@link LeakError} with the formatted report if any. */
  assertNone(options?: ProbeCheckOptions): Promise<void>
  /**
   * Stops tracking once every probe sharing the tracker this probe started has stopped (a
   * tracker started by someone else, such as the Vitest setup, is left running). Idempotent.
   */
  stop(): void
}

/** Probes still running on each tracker a probe started: the last one to stop stops it. */
const probesOn = new WeakMap<Tracker, { running: number }>()

/**
 * Starts watching for handles (sockets, servers, child processes, workers, watchers, timers)
 * opened from now on, for node:test, scripts or any runner.
 *
 * @example
 * ```ts
 * import { test } from 'node:test'
 * import { track } from '@foo/leakcheck'
 *
 * test('closes its connections', async () => {
 *   const probe = track()
 *   await useTheApi()
 *   await probe.assertNone() // throws LeakError with a report naming each open handle
 * })
 * ```
 * @example
 * ```ts
 * const probe = track({ allow: [{ host: 'localhost', port: 6379 }] })
 * await main()
 * const leaks = await probe.leaks()
 * if (leaks.length > 0) console.error(formatLeaks(leaks))
 * probe.stop()
 * ```
 * @throws {LeakcheckError} `LEAKCHECK_INVALID_ALLOW_RULE` for a malformed rule,
 *   `LEAKCHECK_INVALID_OPTION` for a bad deadline.
 */
export function track(options: TrackOptions = {}): Probe {
  const allow = validateAllowRules(options.allow)
  const deadlineMs = options.deadlineMs ?? 1000
  if (!Number.isFinite(deadlineMs) || deadlineMs < 0) {
    throw new LeakcheckError(
      'LEAKCHECK_INVALID_OPTION',
      `deadlineMs must be a number of milliseconds >= 0, got ${String(options.deadlineMs)}.`,
    )
  }
  const wasRunning = (globalThis as Record<symbol, unknown>)[Symbol.for('@foo/leakcheck.tracker')]
  const tracker: Tracker = startTracker()
  if (wasRunning === undefined) probesOn.set(tracker, { running: 0 })
  // Probes that overlap (concurrent node:test tests) share one tracker: count them.
  const users = probesOn.get(tracker)
  if (users !== undefined) users.running += 1
  const since = tracker.mark()
  let stopped = false
  const leaks = async (check: ProbeCheckOptions = {}) => {
    const settleOptions: { since: number; deadlineMs: number; gc?: boolean } = {
      since,
      deadlineMs: check.deadlineMs ?? deadlineMs,
    }
    if (check.gc !== undefined) settleOptions.gc = check.gc
    const result = await tracker.settle(settleOptions)
    return result.leaks.filter((leak) => !allow.some((rule) => allows(rule, leak)))
  }
  return {
    leaks,
    async assertNone(check) {
      const found = await leaks(check)
      if (found.length > 0) throw new LeakError(found, formatLeaks(found))
    },
    stop() {
      if (stopped) return
      stopped = true
      if (users !== undefined && --users.running === 0) tracker.stop()
    },
  }
}
