const brand = Symbol.for('@foo/client.error')

/** Every stable error code `@foo/client` uses; branch on `err.code`, never on the message. */
export type ClientErrorCode =
  | 'FOO_ERR_INVALID_ARGUMENT'
  | 'FOO_ERR_HTTP'
  | 'FOO_ERR_TIMEOUT'
  | 'FOO_ERR_ABORTED'
  | 'FOO_ERR_CLOSED'
  | 'FOO_ERR_DESTROYED'
  | 'FOO_ERR_CONNECTION'
  | 'FOO_ERR_INVALID_JSON'
  | 'FOO_ERR_RESPONSE_TOO_LARGE'
  | 'FOO_ERR_TRUNCATED_BODY'
  | 'FOO_ERR_REDIRECT'
  | 'FOO_ERR_TLS'
  | 'FOO_ERR_DECODE'
  | 'FOO_ERR_REQUEST_BODY'
  | 'FOO_ERR_HOOK'

/**
 * The one base class of every error `@foo/client` throws or rejects with.
 *
 * Carries a `Symbol.for('@foo/client.error')` brand so {@link isClientError} recognises errors
 * from a duplicate copy of the package, where `instanceof` would not.
 *
 * @example
 * ```ts
 * try { await api.getFoo() } catch (err) {
 *   if (isClientError(err) && err.code === 'FOO_ERR_TIMEOUT') retryLater()
 *   else throw err
 * }
 * ```
 */
export class ClientError extends Error {
  /** Stable machine-readable code. */
  readonly code: ClientErrorCode

  /**
   * @example
   * ```ts
   * throw new ClientError('FOO_ERR_INVALID_ARGUMENT', 'baseUrl must be an absolute URL')
   * ```
   */
  constructor(code: ClientErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.code = code
    // Format the stacks now: V8 keeps an unread stack as frames holding their receivers, one of
    // them the client, so a kept error (or its cause) would keep the client and its pool alive.
    void this.stack
    if (options?.cause instanceof Error) void options.cause.stack
  }

  static {
    ClientError.prototype.name = 'ClientError'
  }

  /**
   * `err instanceof ClientError` is true for errors of any copy of the package (the brand), as
   * undici does; a subclass of yours keeps the ordinary prototype check.
   *
   * @example
   * ```ts
   * if (err instanceof ClientError) console.log(err.code)
   * ```
   */
  static override [Symbol.hasInstance](value: unknown): boolean {
    // biome-ignore lint/complexity/noThisInStatic: `this` is the class instanceof was asked about
    return this === ClientError
      ? isClientError(value)
      : // biome-ignore lint/complexity/noThisInStatic: a subclass keeps the ordinary check
        Function.prototype[Symbol.hasInstance].call(this, value)
  }

  /** The brand that {@link isClientError} checks. */
  get [brand](): true {
    return true
  }

  /**
   * A plain object for logs: name, code, message and the fields of the subclass, never the cause
   * (a cause from a mocking library may echo the raw request).
   *
   * @example
   * ```ts
   * logger.error(JSON.stringify(err))
   * ```
   */
  toJSON(): Record<string, unknown> {
    return { name: this.name, code: this.code, message: this.message }
  }
}

/**
 * True for any error thrown by any copy of `@foo/client`.
 *
 * @example
 * ```ts
 * if (isClientError(err)) console.log(err.code)
 * ```
 */
export function isClientError(value: unknown): value is ClientError {
  return (
    typeof value === 'object' && value !== null && (value as { [brand]?: unknown })[brand] === true
  )
}

/** A `FOO_ERR_INVALID_ARGUMENT` error: the one way this package rejects bad input. */
export function invalidArgument(message: string, cause?: unknown): ClientError {
  return new ClientError(
    'FOO_ERR_INVALID_ARGUMENT',
    message,
    cause === undefined ? undefined : { cause },
  )
}

/**
 * A value's type for a message (`null`, `an array`, `object`...). Never `String(value)`: an
 * arbitrary object's `toString` may throw (`Object.create(null)`) or print a secret.
 */
export function typeOf(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'an array'
  return typeof value
}
