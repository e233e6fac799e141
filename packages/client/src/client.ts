/** Options accepted by {@link Client}. */
export interface ClientOptions {
  /** Absolute base URL every request path is resolved against. */
  baseUrl: string
}

/**
 * Base class for REST API clients.
 *
 * @example
 * ```ts
 * class Api extends Client {
 *   getFoo() { return this.get<Foo>('/foo') }
 * }
 * ```
 */
export class Client {
  readonly baseUrl: URL
  constructor(options: ClientOptions) {
    this.baseUrl = new URL(options.baseUrl)
  }
}
