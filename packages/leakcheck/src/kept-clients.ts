// A @foo/client reachable only from a test file's module is not a leak: it closes itself when the
// module is released (its finalizer) and at exit. One kept somewhere that outlives the file
// (globalThis, process) is: found by looking where it is kept, not by waiting for a GC that the
// file's own module would defeat.
import { parseStack } from './frames.js'

/** A `@foo/client` registry entry, as this package reads it (protocol version 1). */
export interface ClientEntry {
  name: string
  createdAt: string
  reachable: boolean
  closed: boolean
  owner?: WeakRef<object>
}

/** A client created by a test file and kept where it outlives the file. */
export interface KeptClient {
  name: string
  /** Stack lines of where it was created. */
  createdAt: string
  /** Where it is kept, e.g. `globalThis.api` or `process.cache.clients[0]`. */
  path: string
}

const registryKey = Symbol.for('@foo/client.lifecycle')

/** The live entries of every `@foo/client` copy in this process (none when it is not loaded). */
export function clientEntries(): ClientEntry[] {
  const registry = (globalThis as Record<symbol, unknown>)[registryKey] as
    | { version?: number; entries?: () => ClientEntry[] }
    | undefined
  if (registry?.version !== 1 || typeof registry.entries !== 'function') return []
  try {
    return registry.entries()
  } catch {
    return []
  }
}

/** Arrays, Maps, Sets and plain objects: where an application keeps things. */
function isContainer(value: object): boolean {
  if (Array.isArray(value)) return true
  const tag = Object.prototype.toString.call(value)
  if (tag === '[object Map]' || tag === '[object Set]') return true
  const prototype = Object.getPrototypeOf(value)
  return prototype === null || prototype === Object.prototype
}

/** Own data properties only: a getter may throw or do work. */
function* children(value: object): Generator<[string, unknown]> {
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) yield [`[${i}]`, value[i]]
    return
  }
  const tag = Object.prototype.toString.call(value)
  if (tag === '[object Map]') {
    for (const [key, item] of value as Map<unknown, unknown>) yield [`.get(${String(key)})`, item]
    return
  }
  if (tag === '[object Set]') {
    for (const item of value as Set<unknown>) yield ['(a member of the Set)', item]
    return
  }
  for (const key of Reflect.ownKeys(value)) {
    const descriptor = Object.getOwnPropertyDescriptor(value, key)
    if (descriptor === undefined || !('value' in descriptor)) continue
    yield [typeof key === 'symbol' ? `[${String(key)}]` : `.${key}`, descriptor.value]
  }
}

/**
 * Where each of `targets` is kept among the own data properties of `roots`, looking two levels
 * deep into arrays, Maps, Sets and plain objects (a cache object, a list of clients). Cheap: it
 * never follows other objects (a client's own fields, module namespaces, the DOM of a realm).
 *
 * @example
 * ```ts
 * findKept([client], [['globalThis', globalThis]]) // Map { client => 'globalThis.api' }
 * ```
 */
export function findKept(
  targets: readonly object[],
  roots: ReadonlyArray<readonly [string, object]>,
): Map<object, string> {
  const wanted = new Set(targets)
  const found = new Map<object, string>()
  const visit = (value: unknown, path: string, depth: number) => {
    if (typeof value !== 'object' || value === null) return
    if (wanted.has(value) && !found.has(value)) found.set(value, path)
    if (depth === 0 || !isContainer(value)) return
    for (const [key, child] of children(value)) visit(child, `${path}${key}`, depth - 1)
  }
  for (const [name, root] of roots) {
    for (const [key, child] of children(root)) visit(child, `${name}${key}`, 2)
  }
  return found
}

/**
 * The clients a test file created (its own line is in their creation stack) that are still open
 * and kept on `globalThis` or `process`, where they outlive the file.
 *
 * @example
 * ```ts
 * for (const kept of keptClients(clientEntries(), testFile)) console.error(kept.name, kept.path)
 * ```
 */
export function keptClients(entries: readonly ClientEntry[], testFile: string): KeptClient[] {
  const mine = new Map<object, ClientEntry>()
  for (const entry of entries) {
    if (!entry.reachable || entry.closed) continue
    const owner = entry.owner?.deref()
    if (owner === undefined) continue
    if (!parseStack(entry.createdAt).some((frame) => frame.file === testFile)) continue
    mine.set(owner, entry)
  }
  if (mine.size === 0) return []
  const where = findKept(
    [...mine.keys()],
    [
      ['globalThis', globalThis],
      ['process', process],
    ],
  )
  return [...where].map(([owner, path]) => {
    const entry = mine.get(owner) as ClientEntry
    return { name: entry.name, createdAt: entry.createdAt, path }
  })
}
