import { cp, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

type LifecycleModule = typeof import('../../src/lifecycle.js')

const dist = new URL('../../dist/', import.meta.url)
let root: string
let copyA: LifecycleModule
let copyB: LifecycleModule

// Two real copies of the BUILT package on disk, as two versions in node_modules would be.
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'foo-client-copies-'))
  const load = async (name: string) => {
    const dir = join(root, name)
    await cp(dist, dir, { recursive: true })
    return (await import(pathToFileURL(join(dir, 'lifecycle.js')).href)) as LifecycleModule
  }
  copyA = await load('a')
  copyB = await load('b')
})
afterAll(() => rm(root, { recursive: true, force: true }))

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
