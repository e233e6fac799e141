import type { SharedRegistry, TrackedEntry } from './registry.js'

/** How a resource is ended; see `manage()`. */
export interface ResourceHooks<R> {
  /** Graceful: let in-flight work finish, then release the resource. */
  close(resource: R): Promise<void>
  /** Immediate and synchronous: safe inside `process.on('exit')`. */
  destroy(resource: R): void
}

type State = 'open' | 'closing' | 'closed' | 'destroyed'

/**
 * The registry's record of one managed resource, and the FinalizationRegistry's held value.
 * It holds the resource and hooks strongly and the owner only through a `WeakRef`.
 */
export class Entry<R extends object> implements TrackedEntry {
  readonly name: string
  readonly createdAt: string
  readonly resource: R
  readonly #hooks: ResourceHooks<R>
  readonly #owner: WeakRef<object>
  readonly #registry: SharedRegistry
  #state: State = 'open'
  #closing: Promise<void> | undefined

  constructor(
    owner: object,
    resource: R,
    hooks: ResourceHooks<R>,
    name: string,
    createdAt: string,
    registry: SharedRegistry,
  ) {
    this.resource = resource
    this.#hooks = hooks
    this.#owner = new WeakRef(owner)
    this.name = name
    this.createdAt = createdAt
    this.#registry = registry
  }

  get closed(): boolean {
    return this.#state !== 'open'
  }

  get ownerRef(): WeakRef<object> {
    return this.#owner
  }

  reachable(): boolean {
    return this.#owner.deref() !== undefined
  }

  close(): Promise<void> {
    if (this.#closing !== undefined) return this.#closing
    if (this.#state === 'destroyed') return Promise.resolve()
    this.#state = 'closing'
    this.#closing = (async () => {
      await this.#hooks.close(this.resource)
      if (this.#state === 'closing') this.#state = 'closed'
      this.#registry.untrack(this)
    })()
    // A close that failed leaves the entry tracked, so the exit listener still destroys it.
    return this.#closing
  }

  destroy(): void {
    if (this.#state === 'destroyed' || this.#state === 'closed') return
    this.#state = 'destroyed'
    this.#registry.untrack(this)
    const result: unknown = this.#hooks.destroy(this.resource)
    // A hook may return a promise despite its type (undici's destroy() does): never let it reject unhandled.
    if (result instanceof Promise) result.catch(() => {})
  }

  finalize(): void {
    this.close().catch(() => {
      // Nobody can await a finalizer: a failed close must not become an unhandled rejection.
      // The entry stays tracked, so the exit listener destroys the resource.
    })
  }

  adopt(socket: object): void {
    this.#registry.adopt(socket, this)
  }
}
