import { STATUS_CODES } from 'node:http'
import { inspect } from 'node:util'

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

/** The response parts an {@link HttpError} keeps. */
export interface HttpErrorDetails {
  status: number
  method: string
  /** Redacted URL: no userinfo, secret query params replaced by `[REDACTED]`. */
  url: string
  headers: Record<string, string | string[]>
  /** The first 4 KiB of the body as text. */
  body: string
}

/**
 * A response whose status the JSON methods do not accept (anything but 2xx).
 *
 * @example
 * ```ts
 * try { await client.get('/users/1') } catch (err) {
 *   if (err instanceof HttpError && err.status === 404) return undefined
 *   throw err
 * }
 * ```
 */
export class HttpError extends ClientError {
  readonly status: number
  readonly method: string
  readonly url: string
  readonly headers: Record<string, string | string[]>
  readonly body: string

  static {
    HttpError.prototype.name = 'HttpError'
  }

  /**
   * @example
   * ```ts
   * new HttpError({ status: 404, method: 'GET', url: 'https://api.example.com/x', headers: {}, body: '' })
   * ```
   */
  constructor(details: HttpErrorDetails) {
    const reason = STATUS_CODES[details.status]
    super(
      'FOO_ERR_HTTP',
      `${details.method} ${details.url} responded ${details.status}${reason ? ` ${reason}` : ''}`,
    )
    this.status = details.status
    this.method = details.method
    this.url = details.url
    this.headers = details.headers
    this.body = details.body
  }

  /**
   * Name, code, message, status, method, redacted URL and headers, bounded body.
   *
   * @example
   * ```ts
   * logger.error(JSON.stringify(err)) // {"name":"HttpError","code":"FOO_ERR_HTTP","status":404,...}
   * ```
   */
  override toJSON(): Record<string, unknown> {
    return {
      ...super.toJSON(),
      status: this.status,
      method: this.method,
      url: this.url,
      headers: this.headers,
      body: this.body,
    }
  }

  /**
   * Shows the same fields as {@link HttpError.toJSON} plus the stack.
   *
   * @example
   * ```ts
   * console.error(err) // stack, then { status: 404, method: 'GET', url: ..., body: ... }
   * ```
   */
  [inspect.custom](): string {
    return `${this.stack}\n${inspect(this.toJSON(), { depth: 2 })}`
  }
}

/** A `FOO_ERR_INVALID_ARGUMENT` error: the one way this package rejects bad input. */
export function invalidArgument(message: string): ClientError {
  return new ClientError('FOO_ERR_INVALID_ARGUMENT', message)
}
