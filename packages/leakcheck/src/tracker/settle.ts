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

/**
 * Waits until `read()` returns the same ids for `quietMs` in a row (or the list is empty, or
 * the deadline passes), polling with a growing interval on real timers (goleak/Deno style).
 */
export async function pollUntilStable<T extends { id: number }>(
  read: () => T[],
  deadline: number,
  quietMs: number,
): Promise<T[]> {
  let current = read()
  let key = current.map((h) => h.id).join(',')
  let stableSince = realTimers.now()
  let wait = 1
  while (current.length > 0) {
    const now = realTimers.now()
    if (now >= deadline || now - stableSince >= quietMs) break
    await tick(Math.min(wait, Math.max(0, deadline - now)))
    wait = Math.min(wait * 2, 50)
    const next = read()
    const nextKey = next.map((h) => h.id).join(',')
    if (nextKey !== key) {
      key = nextKey
      stableSince = realTimers.now()
    }
    current = next
  }
  return current
}
