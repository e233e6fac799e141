import { type CheckOptions, type CheckResult, check } from '../../src/check.js'
import { describeHandle } from '../../src/report.js'
import { startTracker, type Tracker } from '../../src/tracker/index.js'
import type { OpenHandle } from '../../src/tracker/types.js'

export { describeHandle }

/** What a probe-style check over everything opened since the mark found, as a flat list. */
export interface Settled extends CheckResult {
  /** Every handle of every leak group (causes and members). */
  handles: OpenHandle[]
}

/** The tracker for this test file, and a mark so only handles a test opens are seen. */
export function useTracker(): {
  tracker: Tracker
  since(): number
  reset(): void
  /** The open handles since the mark, as data. */
  open(): OpenHandle[]
  /** Settles and judges everything since the mark (the `track()` rules). */
  settle(options?: CheckOptions): Promise<Settled>
} {
  const tracker = startTracker()
  let mark = tracker.mark()
  return {
    tracker,
    since: () => mark,
    reset: () => {
      mark = tracker.mark()
    },
    open: () => tracker.open({ since: mark }),
    async settle(options = {}) {
      const result = await check(tracker, { at: 'probe' }, { since: mark, ...options })
      return {
        ...result,
        handles: [...result.leaks, ...result.warnings].flatMap((g) => [...g.causes, ...g.members]),
      }
    },
  }
}

/** `'127.0.0.1:8080'` of an endpoint. */
export function at(endpoint: { address: string; port?: number } | undefined): string | undefined {
  return endpoint === undefined ? undefined : `${endpoint.address}:${endpoint.port}`
}
