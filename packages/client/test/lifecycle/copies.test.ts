import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Copies, loadCopies } from '../helpers/copies.js'

type LifecycleModule = typeof import('../../src/lifecycle.js')

let copies: Copies<LifecycleModule>
let copyA: LifecycleModule
let copyB: LifecycleModule

// Two real copies of the BUILT package on disk, as two versions in node_modules would be.
beforeAll(async () => {
  copies = await loadCopies<LifecycleModule>('lifecycle.js')
  copyA = copies.a
  copyB = copies.b
})
afterAll(() => copies.remove())

describe('duplicate copies of @foo/client', () => {
  it('are distinct module instances', () => {
    expect(copyA.manage).not.toBe(copyB.manage)
  })

  it('share one versioned registry on globalThis and one exit listener', () => {
    const key = Symbol.for('@foo/client.lifecycle')
    const exitListeners = process.listenerCount('exit')
    const hooks = { close: async () => {}, destroy: () => {} }
    const fromA = copyA.manage({}, { copy: 'a' }, hooks, { name: 'FromA' })
    const fromB = copyB.manage({}, { copy: 'b' }, hooks, { name: 'FromB' })
    expect(copyA.getRegistry()).toBe(copyB.getRegistry())
    expect((globalThis as Record<symbol, unknown>)[key]).toBe(copyA.getRegistry())
    expect(copyA.getRegistry().version).toBe(1)
    const names = copyB
      .getRegistry()
      .entries()
      .map((e) => e.name)
    expect(names).toEqual(expect.arrayContaining(['FromA', 'FromB']))
    expect(process.listenerCount('exit') - exitListeners).toBeLessThanOrEqual(1)
    copyB.manage({}, {}, hooks).destroy()
    expect(process.listenerCount('exit') - exitListeners).toBeLessThanOrEqual(1)
    fromA.destroy()
    fromB.destroy()
  })

  it('share one gracefulShutdown installation', () => {
    const before = process.listenerCount('SIGTERM')
    const uninstallA = copyA.gracefulShutdown({ signals: ['SIGTERM'] })
    const uninstallB = copyB.gracefulShutdown({ signals: ['SIGTERM'] })
    expect(process.listenerCount('SIGTERM')).toBe(before + 1)
    uninstallA()
    expect(process.listenerCount('SIGTERM')).toBe(before + 1)
    uninstallB()
    expect(process.listenerCount('SIGTERM')).toBe(before)
  })
})
