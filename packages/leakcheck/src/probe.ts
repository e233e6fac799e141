import { check } from './check.js'
import { describeValue, LeakcheckError, LeakError } from './errors.js'
import { DEFAULT_POLICY, type LeakGroup } from './policy.js'
import { formatGroups } from './report.js'
import { allows, validateAllowRules } from './tracker/allow.js'
import { isTrackerRunning, startTracker, type Tracker } from './tracker/index.js'
import type { AllowRule, OpenHandle } from './tracker/types.js'

/** Options for {@link track}. */
export interface TrackOptions {
  /** Handles never reported by this probe (by kind, host/port, or creator in the stack). */
  allow?: AllowRule[]
  /**
   * How long a check waits, at most, for handles whose close has started (ms). Default 1000.
   * The same option as the Vitest plugin's.
   */
  settleMs?: number
  /** One-shot timers of at most this many ms are warnings, not leaks. Default 5000. */
  shortTimerMs?: number
}

/** Options for {@link Probe.leaks} and {@link Probe.assertNone}. */
export interface ProbeCheckOptions {
  /** Overrides the probe's `settleMs`. */
  settleMs?: number
}

/** What {@link track} returns: a window on the handles opened since it was called. */
export interface Probe {
  /**
   * Settles, then resolves with the handles opened since `track()` that are still open and are
   * leaks by the same rules as the Vitest plugin's per-test check (idle keep-alive sockets of a
   * pool and short one-shot timers are not).
   */
  leaks(options?: ProbeCheckOptions): Promise<OpenHandle[]>
  /** Like `leaks()`, but rejects with a {@link LeakError} carrying the formatted report. */
  assertNone(options?: ProbeCheckOptions): Promise<void>
  /**
   * Stops tracking once every probe sharing the tracker this probe started has stopped (a
   * tracker started by someone else, such as the Vitest setup, is left running). Idempotent.
   */
  stop(): void
}

/** Probes still running on each tracker a probe started: the last one to stop stops it. */
const probesOn = new WeakMap<Tracker, { running: number }>()

function milliseconds(value: unknown, name: string, fallback: number): number {
  if (value === undefined) return fallback
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new LeakcheckError(
      'LEAKCHECK_INVALID_OPTION',
      `track(): \`${name}\` must be a number of milliseconds >= 0, got ${describeValue(value)}. ` +
        `Fix: e.g. \`track({ ${name}: 2000 })\`.`,
    )
  }
  return value
}

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
 *   try {
 *     await useTheApi()
 *     await probe.assertNone() // rejects with LeakError naming each open handle
 *   } finally {
 *     probe.stop()
 *   }
 * })
 * ```
 * @throws {LeakcheckError} `LEAKCHECK_INVALID_ALLOW_RULE` for a malformed rule,
 *   `LEAKCHECK_INVALID_OPTION` for a bad `settleMs` or `shortTimerMs`.
 */
export function track(options: TrackOptions = {}): Probe {
  const allow = validateAllowRules(options.allow)
  const settleMs = milliseconds(options.settleMs, 'settleMs', 1000)
  const shortTimerMs = milliseconds(
    options.shortTimerMs,
    'shortTimerMs',
    DEFAULT_POLICY.shortTimerMs,
  )
  const wasRunning = isTrackerRunning()
  const tracker: Tracker = startTracker()
  if (!wasRunning) probesOn.set(tracker, { running: 0 })
  // Probes that overlap (concurrent node:test tests) share one tracker: count them.
  const users = probesOn.get(tracker)
  if (users !== undefined) users.running += 1
  const since = tracker.mark()
  let stopped = false
  const groups = async (checkOptions: ProbeCheckOptions = {}): Promise<LeakGroup[]> => {
    const verdict = await check(
      tracker,
      { at: 'probe' },
      {
        since,
        settleMs: milliseconds(checkOptions.settleMs, 'settleMs', settleMs),
        shortTimerMs,
      },
    )
    return verdict.leaks
      .map((group) => ({
        ...group,
        causes: group.causes.filter((h) => !allow.some((rule) => allows(rule, h))),
      }))
      .filter((group) => group.causes.length > 0)
  }
  return {
    async leaks(checkOptions) {
      return (await groups(checkOptions)).flatMap((group) => [...group.causes, ...group.members])
    },
    async assertNone(checkOptions) {
      const found = await groups(checkOptions)
      if (found.length > 0) throw new LeakError(found, formatGroups(found))
    },
    stop() {
      if (stopped) return
      stopped = true
      if (users !== undefined && --users.running === 0) tracker.stop()
    },
  }
}
