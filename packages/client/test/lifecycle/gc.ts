import { setTimeout as delay } from 'node:timers/promises'
import v8 from 'node:v8'
import vm from 'node:vm'

v8.setFlagsFromString('--expose-gc')
const gc = vm.runInNewContext('gc') as () => void

/** Full GC, then a couple of macrotasks so FinalizationRegistry callbacks get to run. */
export async function collect(): Promise<void> {
  for (let i = 0; i < 3; i++) {
    await delay(0)
    gc()
  }
  await delay(10)
}

/** Collects until `done()` holds or `ms` passed. */
export async function collectUntil(done: () => boolean, ms = 5_000): Promise<boolean> {
  const deadline = Date.now() + ms
  while (Date.now() < deadline) {
    await collect()
    if (done()) return true
  }
  return done()
}
