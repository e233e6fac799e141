import v8 from 'node:v8'
import vm from 'node:vm'
import { realTimers } from './timers.js'

let collectGarbage: (() => void) | undefined | null

/**
 * A `gc()` without starting Node with `--expose-gc` (`null` if it cannot be had).
 */
export function gcFunction(): (() => void) | null {
  if (collectGarbage !== undefined) return collectGarbage
  const exposed = (globalThis as { gc?: () => void }).gc
  if (typeof exposed === 'function') {
    collectGarbage = exposed
    return exposed
  }
  try {
    v8.setFlagsFromString('--expose-gc')
    collectGarbage = vm.runInNewContext('gc') as () => void
  } catch {
    collectGarbage = null
  }
  return collectGarbage
}

/** One turn of the event loop on the real timers: immediates, then a timer of `ms`. */
export function tick(ms = 0): Promise<void> {
  return new Promise((resolve) => {
    realTimers.setImmediate(() => {
      realTimers.setTimeout(resolve, ms)
    })
  })
}
