import { invalidArgument, typeOf } from '../errors.js'
import { Entry, type ResourceHooks } from './entry.js'
import { sharedRegistry } from './registry.js'
import { captureStack, formatStack } from './stack.js'

export type { ResourceHooks } from './entry.js'

/** Options for {@link manage}. */
export interface ManageOptions {
  /** Shown in leak reports; defaults to the owner's class name (e.g. `Api`). */
  name?: string
}

/** The handle `manage()` returns to the owner. */
export interface Managed {
  /** `true` once `close()` or `destroy()` started (by the owner, the finalizer, exit or a signal). */
  readonly closed: boolean
  /** Closes the resource gracefully (`hooks.close`). Idempotent: every call gets the same promise. */
  close(): Promise<void>
  /** Destroys the resource at once (`hooks.destroy`). Idempotent; a no-op after `close()` finished. */
  destroy(): void
  /** Records that `socket` belongs to this owner, so leak reports can name it. */
  adopt(socket: object): void
}

/**
 * Ties the lifetime of `resource` to `owner`, process-wide:
 * - when `owner` is garbage-collected, `hooks.close(resource)` runs (FinalizationRegistry; off
 *   under `NODE_V8_COVERAGE`, see the README);
 * - when the process exits, `hooks.destroy(resource)` runs synchronously if still open (one
 *   `process.on('exit')` listener for the whole process, however many resources);
 * - `gracefulShutdown()` closes it on SIGINT/SIGTERM.
 *
 * Nothing reachable from `resource` or `hooks` may reference `owner`, or the owner can never be
 * collected: pass the resource itself, not a closure over the owner.
 *
 * @throws {ClientError} `FOO_ERR_INVALID_ARGUMENT` when an argument has the wrong type
 * or `resource` is `owner`.
 *
 * @example
 * ```ts
 * import { manage, type Managed } from '@foo/client/lifecycle'
 * import pg from 'pg'
 *
 * export class Db {
 *   readonly #pool = new pg.Pool()
 *   readonly #managed: Managed = manage(this, this.#pool, {
 *     close: (pool) => pool.end(),
 *     destroy: (pool) => { for (const c of pool._clients) c.connection.stream.destroy() },
 *   })
 *   query(sql: string) { return this.#pool.query(sql) }
 *   close() { return this.#managed.close() }
 * }
 * ```
 */
export function manage<R extends object>(
  owner: object,
  resource: R,
  hooks: ResourceHooks<R>,
  options: ManageOptions = {},
): Managed {
  if ((typeof owner !== 'object' && typeof owner !== 'function') || owner === null) {
    throw invalidArgument(
      `manage(owner, ...): owner must be an object, got ${typeOf(owner)}. Pass the instance whose lifetime the resource follows (usually \`this\`).`,
    )
  }
  if ((typeof resource !== 'object' && typeof resource !== 'function') || resource === null) {
    throw invalidArgument(
      `manage(owner, resource, ...): resource must be an object, got ${typeOf(resource)}.`,
    )
  }
  if (resource === owner) {
    throw invalidArgument(
      'manage(owner, resource, ...): resource is the owner itself, so the owner could never be garbage-collected. Pass the resource the owner holds (a dispatcher, a pool).',
    )
  }
  if (
    typeof hooks !== 'object' ||
    hooks === null ||
    typeof hooks.close !== 'function' ||
    typeof hooks.destroy !== 'function'
  ) {
    throw invalidArgument(
      'manage(owner, resource, hooks): hooks must be { close(resource): Promise<void>, destroy(resource): void }.',
    )
  }
  if (
    typeof options !== 'object' ||
    options === null ||
    (options.name !== undefined && typeof options.name !== 'string')
  ) {
    throw invalidArgument(
      'manage(owner, resource, hooks, options): options.name must be a string when given.',
    )
  }
  const name = options.name ?? owner.constructor?.name ?? 'Object'
  return track(owner, resource, hooks, name, formatStack(captureStack(manage)))
}

/**
 * {@link manage} without the argument checks and with the creation stack given, formatted
 * (`@foo/client`'s own clients: they capture it at construction and register on first use).
 */
export function track<R extends object>(
  owner: object,
  resource: R,
  hooks: ResourceHooks<R>,
  name: string,
  createdAt: string,
): Managed {
  const registry = sharedRegistry()
  const entry = new Entry(owner, resource, hooks, name, createdAt, registry)
  registry.track(entry, owner)
  return {
    get closed() {
      return entry.closed
    },
    close: () => entry.close(),
    destroy: () => entry.destroy(),
    adopt: (socket) => entry.adopt(socket),
  }
}
