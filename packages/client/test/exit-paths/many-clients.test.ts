import { describe, expect, it } from 'vitest'
import { runFixture } from './run.js'

interface ManyClients {
  clients: number
  requests: number
  accepted: number
  openPerBatch: number[]
  peak: number
  openAfterFinalGc: number
  msToFallBack: number
  msTotal: number
  forcedGcs: number
  exitListenersAdded: number
  warnings: string[]
}

describe('exit paths: many clients dropped without close()', () => {
  it('10,000 clients against a 60 s keep-alive server: no warning, one exit listener, sockets fall back after GC', {
    timeout: 55_000,
  }, async () => {
    const run = await runFixture(undefined, 'many-clients.mjs', { killAfterMs: 50_000 })
    expect(run).toMatchObject({ code: 0, signal: null, stderr: '' })
    const result = JSON.parse(run.stdout) as ManyClients
    console.log('[many-clients]', JSON.stringify(result))
    expect(result.clients).toBe(10_000)
    expect(result.accepted).toBe(result.requests)
    expect(result.requests).toBeGreaterThanOrEqual(5_000)
    expect(result.warnings).toEqual([])
    expect(result.exitListenersAdded).toBeLessThanOrEqual(1)
    // Connections never piled up to one per client created, and none is left after GC.
    expect(result.peak).toBeLessThan(result.requests)
    expect(result.openAfterFinalGc).toBe(0)
  })
})
