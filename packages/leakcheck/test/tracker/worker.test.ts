import { once } from 'node:events'
import { Worker } from 'node:worker_threads'
import { beforeEach, describe, expect, it } from 'vitest'
import { describeHandle, useTracker } from './helpers.js'

const { reset, open } = useTracker()
beforeEach(() => reset())

describe('worker threads', () => {
  it('reports a running worker until it is terminated', async () => {
    const worker = new Worker('setInterval(() => {}, 1000)', { eval: true })
    await once(worker, 'online')
    const [leak] = open()
    expect(leak?.kind).toBe('worker')
    expect(describeHandle(leak as never)).toBe(`Worker thread ${worker.threadId}`)
    await worker.terminate()
    expect(open()).toEqual([])
  })
})
