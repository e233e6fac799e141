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

/**
 * One whole turn of the event loop without a timer: an immediate, then another. Between them the
 * loop passes the close-callbacks phase and a poll for I/O that is ready, so a socket whose FIN
 * has arrived or whose handle is closing is seen closed after one or two turns, with no 1 ms
 * timer floor per turn (that floor was most of a clean test's checking cost).
 */
export function turn(): Promise<void> {
  return new Promise((resolve) => {
    realTimers.setImmediate(() => {
      realTimers.setImmediate(resolve)
    })
  })
}

/** One turn of the event loop on the real timers: immediates, then a timer of `ms`. */
export function tick(ms = 0): Promise<void> {
  return new Promise((resolve) => {
    realTimers.setImmediate(() => {
      realTimers.setTimeout(resolve, ms)
    })
  })
}
