import { setTimeout as timersSetTimeout } from 'node:timers'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { useTracker } from './helpers.js'

const { tracker, since, reset } = useTracker()
beforeEach(() => reset())
afterEach(() => {
  vi.useRealTimers()
})

describe('timers and intervals', () => {
  it("reports a ref'd timer until it fires or is cleared", async () => {
    const timer = setTimeout(() => {}, 60_000)
    const [leak] = tracker.open({ since: since() })
    expect(leak?.kind).toBe('timer')
    expect(leak?.description).toBe('Timer of 60000 ms')
    expect(leak?.stack).toContain('timers.test.ts')
    clearTimeout(timer)
    expect(tracker.open({ since: since() })).toEqual([])
    setTimeout(() => {}, 5)
    const { leaks } = await tracker.settle({ since: since() })
    expect(leaks).toEqual([])
  })

  it('reports intervals, and node:timers imports too', () => {
    const interval = setInterval(() => {}, 1000)
    const timer = timersSetTimeout(() => {}, 1000)
    expect(tracker.open({ since: since() }).map((h) => h.kind)).toEqual(['interval', 'timer'])
    clearInterval(interval)
    clearTimeout(timer)
  })

  it("does not report unref'd timers", () => {
    const timer = setTimeout(() => {}, 60_000).unref()
    expect(tracker.open({ since: since() })).toEqual([])
    clearTimeout(timer)
  })

  it('ignores fake timers and settles on real ones while they are installed', async () => {
    vi.useFakeTimers()
    setTimeout(() => {}, 60_000)
    setInterval(() => {}, 10)
    expect(tracker.open({ since: since() })).toEqual([])
    const started = Date.now()
    const { leaks } = await tracker.settle({ since: since(), deadlineMs: 200 })
    expect(leaks).toEqual([])
    expect(Date.now() - started).toBeLessThan(10_000)
    vi.useRealTimers()
    const timer = setTimeout(() => {}, 60_000)
    expect(tracker.open({ since: since() }).map((h) => h.kind)).toEqual(['timer'])
    clearTimeout(timer)
  })

  it('settle() returns on real timers with a real leak under fake timers', async () => {
    const timer = setTimeout(() => {}, 60_000)
    vi.useFakeTimers()
    const { leaks } = await tracker.settle({ since: since(), deadlineMs: 300 })
    vi.useRealTimers()
    expect(leaks.map((h) => h.kind)).toEqual(['timer'])
    clearTimeout(timer)
  })

  it('keeps util.promisify working on the wrapped setTimeout', async () => {
    const { promisify } = await import('node:util')
    await expect(promisify(setTimeout)(1, 'v')).resolves.toBe('v')
  })
})
