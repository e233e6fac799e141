import { describe, expect, it } from 'vitest'

describe('@foo/leakcheck entry points', () => {
  it('exports the leakcheck plugin factory', async () => {
    const mod = await import('@foo/leakcheck')
    expect(typeof mod.leakcheck).toBe('function')
    expect(mod.leakcheck().name).toBe('foo:leakcheck')
  })
})
