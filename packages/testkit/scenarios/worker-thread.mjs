// The seed's program inside a worker thread; the main thread waits for the worker to end.
import { isMainThread, SHARE_ENV, Worker } from 'node:worker_threads'
import { makeApis, useApis } from '@foo/testkit/program'

if (isMainThread) {
  const worker = new Worker(new URL(import.meta.url), { env: SHARE_ENV })
  worker.on('error', (error) => {
    process.stderr.write(`worker failed: ${error.stack}\n`)
    process.exitCode = 1
  })
  worker.on('exit', (code) => {
    if (code !== 0) process.exitCode = code
  })
} else {
  await useApis(await makeApis())
}
