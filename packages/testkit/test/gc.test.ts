import { describe, expect, it } from 'vitest'
import { collectUntil, gcFunction } from '../src/index.js'

describe('the GC helper', () => {
  it('collects a dropped object and lets its finalizer run', async () => {
    let finalized = false
    const registry = new FinalizationRegistry(() => {
      finalized = true
    })
    ;(() => {
      registry.register({}, 'dropped')
    })()
    expect(typeof gcFunction()).toBe('function')
    expect(await collectUntil(() => finalized)).toBe(true)
  })
})
