import { describe, expect, it } from 'vitest'

describe('@foo/client entry points', () => {
  it('exports Client from the package root', async () => {
    const mod = await import('@foo/client')
    expect(typeof mod.Client).toBe('function')
  })
  it('exports the lifecycle subpath', async () => {
    const mod = await import('@foo/client/lifecycle')
    expect(mod).toBeTypeOf('object')
  })
})
