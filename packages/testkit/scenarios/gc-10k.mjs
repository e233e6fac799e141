// 10,000 clients made and dropped; 20 of them made requests. After a GC the dropped clients'
// connections should be closed while the program still runs (a finalizer), not only when the
// process exits.
import { setTimeout as sleep } from 'node:timers/promises'
import { collectGarbage } from '@foo/testkit/gc'
import { loadMake, mark, origins } from '@foo/testkit/program'

// In a function of its own, so no suspended frame of the module keeps the array alive.
async function useAndDrop(make) {
  const apis = []
  for (let i = 0; i < 10_000; i++) apis.push(make(origins.https))
  await Promise.all(apis.slice(0, 20).map((api) => api.get('/json')))
  mark('last-response')
}

await useAndDrop(await loadMake())
// Finalizers run after a GC once the loop is free, and sockets close a tick or more later: a
// user's program goes on working meanwhile, as this one does.
for (let i = 0; i < 4; i++) {
  await collectGarbage()
  await sleep(150)
}
mark('gc-done', { heapUsedMiB: Math.round(process.memoryUsage().heapUsed / 2 ** 20) })
// The observer sees the ends a moment after they happen; the verdict compares with 'gc-done'.
await sleep(300)
