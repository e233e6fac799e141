import { AsyncLocalStorage } from 'node:async_hooks'
import type { Scope } from './types.js'

/** A scope as the async context carries it; `off` marks work whose handles are not recorded. */
export interface ContextScope extends Scope {
  off?: boolean
}

/**
 * The scope whose work is running right now. A test runs inside `run()`, so every handle its work
 * opens (after any `await`, in any callback it scheduled) carries the test, while a callback of a
 * resource opened elsewhere (a request handler of a file-level server, a timer an earlier test
 * left) carries the scope that opened that resource. Outside any `run()` the base scope applies
 * (the test file's module top level and `beforeAll`).
 *
 * On Node 24+ AsyncLocalStorage rides on AsyncContextFrame and costs next to nothing; on Node 20
 * and 22 it enables a promise hook (measured: a loop of awaited promises runs ~2.5x slower; a
 * test suite, mostly I/O, far less: see the benchmark).
 */
export class ScopeContext {
  readonly #storage = new AsyncLocalStorage<ContextScope>()
  #base: ContextScope = {}

  run<T>(scope: ContextScope, fn: () => T): T {
    return this.#storage.run(Object.freeze({ ...scope }), fn)
  }

  setBase(scope: Scope | undefined): void {
    this.#base = Object.freeze({ ...scope })
  }

  /** The scope to stamp on a new handle. */
  current(): ContextScope {
    return this.#storage.getStore() ?? this.#base
  }

  disable(): void {
    this.#storage.disable()
  }
}
