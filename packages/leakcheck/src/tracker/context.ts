import type { Scope } from './types.js'

/**
 * The scope (test file and test) current right now. The Vitest setup sets it around each test;
 * handles copy it at creation, so a handle opened after an `await` in a test still belongs to it
 * while tests run one at a time.
 */
export class ScopeContext {
  #current: Scope | undefined

  set(scope: Scope | undefined): void {
    this.#current = scope === undefined ? undefined : { ...scope }
  }

  get(): Scope | undefined {
    return this.#current
  }

  /** A copy to stamp on a new handle (`{}` at file level outside any test). */
  stamp(): Scope {
    return this.#current === undefined ? {} : { ...this.#current }
  }
}
