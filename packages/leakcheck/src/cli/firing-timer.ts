import { executionAsyncResource } from 'node:async_hooks'
import { clearTimeout } from 'node:timers'

/** A Node `Timeout` as far as this module reads it. */
interface TimeoutLike {
  _idleTimeout: number
  _onTimeout: unknown
}

function isTimeout(value: unknown): value is TimeoutLike {
  return (
    typeof value === 'object' && value !== null && '_idleTimeout' in value && '_onTimeout' in value
  )
}

/**
 * Called from an 'exit' listener: when `process.exit()` runs inside a timer's callback
 * (`setTimeout(() => process.exit(0), 10)`), that timer is the reason the program ends, not a
 * leak. It is cleared, which is what Node does after the callback anyway, so the tracker sees it
 * closed. `executionAsyncResource()` is the timer during its callback (Node 20 to 26) and needs
 * no async hook.
 *
 * @example
 * ```ts
 * process.on('exit', () => { endFiringTimer(); report(tracker.open()) })
 * ```
 */
export function endFiringTimer(): boolean {
  const resource = executionAsyncResource()
  if (!isTimeout(resource)) return false
  clearTimeout(resource as unknown as NodeJS.Timeout)
  return true
}
