import { cp, mkdir, mkdtemp, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'

/** Two loaded copies of one entry of the built package, and how to remove them. */
export interface Copies<M> {
  a: M
  b: M
  remove(): Promise<void>
}

/**
 * Copies the BUILT package (`dist/`) twice, as two installed versions would sit in node_modules,
 * and imports `entry` from each. The copies live inside the package (`node_modules/.cache`) so
 * that their own imports (undici) resolve.
 *
 * @example
 * const copies = await loadCopies<typeof import('../src/index.js')>('index.js')
 * expect(copies.a.HttpError).not.toBe(copies.b.HttpError)
 * await copies.remove()
 */
export async function loadCopies<M>(entry: 'index.js' | 'lifecycle.js'): Promise<Copies<M>> {
  const cache = new URL('../../node_modules/.cache/', import.meta.url)
  await mkdir(cache, { recursive: true })
  const root = await mkdtemp(join(cache.pathname, 'copies-'))
  const load = async (name: string) => {
    await cp(new URL('../../dist/', import.meta.url), join(root, name), { recursive: true })
    return (await import(pathToFileURL(join(root, name, entry)).href)) as M
  }
  return {
    a: await load('a'),
    b: await load('b'),
    remove: () => rm(root, { recursive: true, force: true }),
  }
}
