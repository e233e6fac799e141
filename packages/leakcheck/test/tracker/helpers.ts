import { startTracker, type Tracker } from '../../src/tracker/index.js'

/** The tracker for this test file, and a mark so only handles a test opens are seen. */
export function useTracker(): { tracker: Tracker; since(): number; reset(): void } {
  const tracker = startTracker()
  let mark = tracker.mark()
  return {
    tracker,
    since: () => mark,
    reset: () => {
      mark = tracker.mark()
    },
  }
}
