import { STATUS_CODES } from 'node:http'
import { inspect } from 'node:util'
import { ClientError } from './errors.js'

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
