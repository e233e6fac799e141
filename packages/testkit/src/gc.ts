import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'

let cached: (() => void) | undefined

/**
 * A working `gc()` without `--expose-gc` on the command line: the flag is set at run time and the
 * function taken from a fresh context (measured on Node 20 and 24, see design.md).
 *
 * @example
 * ```ts
 * const gc = gcFunction()
 * gc()
 * ```
 */
export function gcFunction(): () => void {
  if (cached) return cached
  const exposed = (globalThis as { gc?: () => void }).gc
  if (typeof exposed === 'function') {
    cached = exposed
  } else {
    setFlagsFromString('--expose-gc')
    cached = runInNewContext('gc') as () => void
  }
  return cached
}

/**
 * Full garbage collections with a macrotask after each, so FinalizationRegistry callbacks (which
 * run only once the loop is free after a GC) get to run before this resolves.
 *
 * @example
 * ```ts
 * dropEveryClient()
 * await collectGarbage()
 * ```
 */
export async function collectGarbage(rounds = 3): Promise<void> {
  const gc = gcFunction()
  for (let i = 0; i < rounds; i++) {
    gc()
    await new Promise((resolve) => setImmediate(resolve))
  }
  await new Promise((resolve) => setTimeout(resolve, 0))
}

/**
 * Collects garbage until `done()` holds, or until `timeoutMs` passed; returns whether it held.
 * For finalizers: a dropped object is collected after one GC or a few, never at a known time.
 *
 * @example
 * ```ts
 * expect(await collectUntil(() => registry.live().length === 0)).toBe(true)
 * ```
 */
export async function collectUntil(done: () => boolean, timeoutMs = 5000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    await collectGarbage()
    if (done()) return true
  }
  return done()
}
