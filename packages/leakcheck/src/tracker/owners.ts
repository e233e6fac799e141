import type { HandleOwner } from './types.js'

/** The part of `@foo/client`'s lifecycle registry (protocol version 1) we read. */
interface LifecycleRegistryView {
  version: number
  ownerOf(socket: object): { name: string; createdAt: string; reachable: boolean } | undefined
}

const registryKey = Symbol.for('@foo/client.lifecycle')

/**
 * The `@foo/client` that owns `socket`, read from the registry every copy of `@foo/client`
 * shares at `globalThis[Symbol.for('@foo/client.lifecycle')]`. No import of `@foo/client`: when
 * it is not loaded (or speaks another protocol version) there is no owner.
 */
export function ownerOf(socket: object): HandleOwner | undefined {
  const registry = (globalThis as Record<symbol, unknown>)[registryKey] as
    | LifecycleRegistryView
    | undefined
  if (registry?.version !== 1 || typeof registry.ownerOf !== 'function') return undefined
  try {
    const owner = registry.ownerOf(socket)
    if (owner === undefined) return undefined
    return { name: owner.name, createdAt: owner.createdAt, reachable: owner.reachable }
  } catch {
    return undefined
  }
}
