import { STATUS_CODES } from 'node:http'
import { inspect } from 'node:util'
import { ClientError } from './errors.js'

const brand = Symbol.for('@foo/client.http-error')

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
   * `err instanceof HttpError` holds for an HttpError of any copy of the package (two versions
   * installed side by side): a `Symbol.for` brand, as undici does. Subclasses of yours keep the
   * ordinary prototype check.
   *
   * @example
   * ```ts
   * if (err instanceof HttpError && err.status === 404) return undefined
   * ```
   */
  static override [Symbol.hasInstance](value: unknown): boolean {
    // biome-ignore lint/complexity/noThisInStatic: `this` is the class instanceof was asked about
    return this === HttpError
      ? isHttpError(value)
      : // biome-ignore lint/complexity/noThisInStatic: a subclass keeps the ordinary check
        Function.prototype[Symbol.hasInstance].call(this, value)
  }

  /** The brand that {@link isHttpError} checks. */
  get [brand](): true {
    return true
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

/**
 * True for an {@link HttpError} of any copy of `@foo/client`; narrows the type.
 *
 * @example
 * ```ts
 * try { await api.getUser(id) } catch (err) {
 *   if (isHttpError(err) && err.status === 404) return undefined
 *   throw err
 * }
 * ```
 */
export function isHttpError(value: unknown): value is HttpError {
  return (
    typeof value === 'object' && value !== null && (value as { [brand]?: unknown })[brand] === true
  )
}
