import { once } from 'node:events'
import { Worker } from 'node:worker_threads'
import { beforeEach, describe, expect, it } from 'vitest'
import { useTracker } from './helpers.js'

const { tracker, since, reset } = useTracker()
beforeEach(() => reset())

describe('worker threads', () => {
  it('reports a running worker until it is terminated', async () => {
    const worker = new Worker('setInterval(() => {}, 1000)', { eval: true })
    await once(worker, 'online')
    const [leak] = tracker.open({ since: since() })
    expect(leak?.kind).toBe('worker')
    expect(leak?.description).toBe(`Worker thread ${worker.threadId}`)
    await worker.terminate()
    expect(tracker.open({ since: since() })).toEqual([])
  })
})
