import { finalizersEnabled } from './coverage.js'
import { closeOnExit } from './exit.js'

/** The `globalThis` key of the process-wide registry, shared by every copy of `@foo/client`. */
export const registryKey: unique symbol = Symbol.for('@foo/client.lifecycle') as never

/** The protocol version this copy speaks. Additions keep `1`; a breaking change would bump it. */
export const registryVersion = 1

/**
 * One managed resource as the inspection protocol shows it (for `@foo/leakcheck` and the like).
 * Stable, versioned by {@link LifecycleRegistry.version}.
 */
export interface LifecycleEntryInfo {
  /** The name given to `manage()` (for a client: its class name, e.g. `Api`). */
  readonly name: string
  /** Stack frames (`    at ...` lines) where the owner was created. */
  readonly createdAt: string
  /** `true` while the owner is still reachable (not yet garbage-collected). */
  readonly reachable: boolean
  /** `true` once `close()` or `destroy()` started. */
  readonly closed: boolean
  /** The managed resource (for a client: the undici dispatcher it created). */
  readonly resource: object
  /**
   * The owner itself, held weakly (a reader can tell where it is kept, never keep it alive).
   * Absent for entries made by an older copy of the package.
   */
  readonly owner?: WeakRef<object>
}

/** The owner of an adopted socket, as {@link LifecycleRegistry.ownerOf} returns it. */
export interface LifecycleOwnerInfo {
  readonly name: string
  readonly createdAt: string
  readonly reachable: boolean
  /** `true` once the owner's `close()` or `destroy()` started (its sockets are closing). */
  readonly closed: boolean
}

/**
 * What the registry keeps for one `manage()` call. It is the FinalizationRegistry's held value,
 * so it must never reference the owner (only a `WeakRef` to it).
 * @internal shared between copies of this package; not for applications.
 */
export interface TrackedEntry {
  readonly name: string
  readonly createdAt: string
  readonly closed: boolean
  readonly resource: object
  /** The owner, weakly (optional: copies older than this field lack it). */
  readonly ownerRef?: WeakRef<object>
  reachable(): boolean
  close(): Promise<void>
  destroy(): void
  /** Called by the finalizer after the owner was collected; never rejects. */
  finalize(): void
}

/**
 * The process-wide lifecycle registry at `globalThis[Symbol.for('@foo/client.lifecycle')]`.
 *
 * Stable, versioned protocol (version 1): readers such as `@foo/leakcheck` use only `version`,
 * `entries()` and `ownerOf()`, and need no dependency on `@foo/client`. The first copy of the
 * package to load creates it; every other copy (another version in `node_modules`, a bundled
 * copy) reuses it, so a process has one exit listener and one finalization registry however many
 * copies it loads. A copy that finds a different `version` keeps a private registry instead.
 *
 * @example
 * ```ts
 * const registry = globalThis[Symbol.for('@foo/client.lifecycle')]
 * if (registry?.version === 1) {
 *   for (const e of registry.entries()) if (!e.closed) console.log(e.name, 'created', e.createdAt)
 *   console.log(registry.ownerOf(socket)?.name) // which client opened this socket
 * }
 * ```
 */
export interface LifecycleRegistry {
  readonly version: 1
  /** A snapshot of every resource not yet fully closed or destroyed. */
  entries(): LifecycleEntryInfo[]
  /** Which managed owner a socket belongs to (sockets recorded by `Managed.adopt`). */
  ownerOf(socket: object): LifecycleOwnerInfo | undefined
}

/**
 * The same object as copies of this package see it: the public protocol plus what they share to
 * keep one exit listener, one finalization registry and one `gracefulShutdown` per process. Not
 * for applications; changing any member here breaks older copies in the same process.
 */
export interface SharedRegistry extends LifecycleRegistry {
  /** Starts tracking an entry; registers the finalizer on `owner`. */
  track(entry: TrackedEntry, owner: object): void
  /** Stops tracking (after close finished or destroy). */
  untrack(entry: TrackedEntry): void
  /** Records that `socket` belongs to `entry`. */
  adopt(socket: object, entry: TrackedEntry): void
  /** Entries not yet untracked, for the exit listener and graceful shutdown. */
  live(): TrackedEntry[]
  /** Per-process state of `gracefulShutdown`. */
  graceful: unknown
}

function createRegistry(): SharedRegistry {
  const tracked = new Set<TrackedEntry>()
  const sockets = new WeakMap<object, TrackedEntry>()
  const finalizer = finalizersEnabled()
    ? new FinalizationRegistry<TrackedEntry>((entry) => entry.finalize())
    : undefined
  let exitListening = false
  const registry: SharedRegistry = {
    version: 1,
    entries: () =>
      [...tracked].map((entry) => ({
        name: entry.name,
        createdAt: entry.createdAt,
        reachable: entry.reachable(),
        closed: entry.closed,
        resource: entry.resource,
        ...(entry.ownerRef === undefined ? {} : { owner: entry.ownerRef }),
      })),
    ownerOf(socket) {
      const entry = typeof socket === 'object' && socket !== null ? sockets.get(socket) : undefined
      if (entry === undefined) return undefined
      return {
        name: entry.name,
        createdAt: entry.createdAt,
        reachable: entry.reachable(),
        closed: entry.closed,
      }
    },
    track(entry, owner) {
      tracked.add(entry)
      // The entry doubles as the unregister token (held weakly by the FinalizationRegistry).
      finalizer?.register(owner, entry, entry)
      if (!exitListening) {
        exitListening = true
        closeOnExit(registry)
      }
    },
    untrack(entry) {
      tracked.delete(entry)
      finalizer?.unregister(entry)
    },
    adopt(socket, entry) {
      sockets.set(socket, entry)
    },
    live: () => [...tracked],
    graceful: undefined,
  }
  return registry
}

let ownRegistry: SharedRegistry | undefined

/**
 * The registry this copy uses: the shared one at `globalThis[Symbol.for('@foo/client.lifecycle')]`,
 * created on first use.
 *
 * @example
 * ```ts
 * import { getRegistry } from '@foo/client/lifecycle'
 * const stillOpen = getRegistry().entries().filter((e) => !e.closed && !e.reachable)
 * // resources whose owner is gone but whose close has not finished yet
 * ```
 */
export function getRegistry(): LifecycleRegistry {
  return sharedRegistry()
}

/** {@link getRegistry} with the members copies of this package share. */
export function sharedRegistry(): SharedRegistry {
  if (ownRegistry !== undefined) return ownRegistry
  const host = globalThis as { [registryKey]?: SharedRegistry }
  const found = host[registryKey]
  if (found === undefined) {
    ownRegistry = createRegistry()
    Object.defineProperty(host, registryKey, {
      value: ownRegistry,
      configurable: true,
      enumerable: false,
      writable: false,
    })
  } else if (found.version === registryVersion) {
    ownRegistry = found
  } else {
    ownRegistry = createRegistry()
  }
  return ownRegistry
}
