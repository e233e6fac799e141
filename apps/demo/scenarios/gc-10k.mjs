// 10,000 API objects made and dropped; 20 of them made requests. After a GC the dropped
// objects' connections should be closed while the program still runs (a finalizer), not only
// when the process exits.
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { factory, mark } from './library.mjs'

setFlagsFromString('--expose-gc')
const gc = runInNewContext('gc')
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

// In a function of its own, so no suspended frame of the module keeps the array alive.
async function useAndDrop(make) {
  const apis = []
  for (let i = 0; i < 10_000; i++) apis.push(make())
  await Promise.all(apis.slice(0, 20).map((api) => api.getFoo()))
  mark('last-response')
}

await useAndDrop(await factory())
for (let i = 0; i < 4; i++) {
  gc()
  await sleep(150)
}
mark('gc-done', { heapUsedMiB: Math.round(process.memoryUsage().heapUsed / 2 ** 20) })
// Give the observer a moment to see the ends before the process exits (which ends all anyway).
await sleep(300)
