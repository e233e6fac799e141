import type { Readable } from 'node:stream'
import { type BodyOwner, discard } from './body.js'
import { ClientError, isClientError } from './errors.js'
import type { AbortSource } from './retry.js'
import type { WireBody } from './transport.js'
import { redactUrl } from './url.js'

/** Why a call was aborted by us. */
type Stop = 'timeout' | 'abort' | 'close' | 'destroy'

const tlsCodes = /CERT|SELF_SIGNED|^ERR_TLS_|^ERR_SSL_|UNABLE_TO_(GET|VERIFY)|HOSTNAME_MISMATCH/

/** The set of calls a client is running, so close()/destroy() can reach them. */
export interface CallSet {
  add(call: Call): void
  delete(call: Call): boolean
}

/**
 * The state of one client call across its attempts, redirects and body: one object, methods on
 * the prototype, so the hot path allocates no closures. It is the AbortSignal listener
 * (`handleEvent`) and the body's owner.
 */
export class Call implements BodyOwner, AbortSource {
  method: string
  /** `https://api.example.com` (changes on a cross-origin redirect). */
  origin: string
  /** Path and query, encoded, as undici takes it. */
  path: string
  headers: Record<string, string | string[]>
  body: WireBody
  /** False for a stream body: it cannot be sent twice. */
  replayable: boolean
  /** Read by undici, which takes this call as its `signal` (see {@link AbortSource}). */
  aborted = false
  #abortListeners: Array<() => void> | undefined = undefined
  readonly timeoutMs: number
  readonly secretParams: ReadonlySet<string>
  readonly userSignal: AbortSignal | undefined
  readonly calls: CallSet
  stop: Stop | undefined = undefined
  timer: NodeJS.Timeout | undefined = undefined
  /** The unread body handed to a `request()` caller, if any. */
  openBody: Readable | undefined = undefined
  /** The response body once headers arrived: what a timeout or destroy must break. */
  stream: Readable | undefined = undefined

  constructor(
    method: string,
    origin: string,
    path: string,
    headers: Record<string, string | string[]>,
    body: WireBody,
    replayable: boolean,
    timeoutMs: number,
    secretParams: ReadonlySet<string>,
    userSignal: AbortSignal | undefined,
    calls: CallSet,
  ) {
    this.method = method
    this.origin = origin
    this.path = path
    this.headers = headers
    this.body = body
    this.replayable = replayable
    this.timeoutMs = timeoutMs
    this.secretParams = secretParams
    this.userSignal = userSignal
    this.calls = calls
    if (userSignal !== undefined) userSignal.addEventListener('abort', this, { once: true })
    calls.add(this)
  }

  /** The full URL (built on demand: errors, redirects and the mocked path only). */
  get url(): string {
    return this.origin + this.path
  }

  /** `GET https://api.example.com/users/1` with credentials and secret params removed. */
  get label(): string {
    return `${this.method} ${redactUrl(this.url, this.secretParams)}`
  }

  /** The user's signal aborted. */
  handleEvent(): void {
    this.abort('abort')
  }

  abort(stop: Stop): void {
    if (this.stop !== undefined) return
    this.stop = stop
    if (this.stream !== undefined) discard(this.stream)
    this.aborted = true
    const listeners = this.#abortListeners
    this.#abortListeners = undefined
    if (listeners !== undefined) for (const listener of listeners) listener()
    // A request() body nobody started reading will never report back: end the call here, or it
    // stays in the client's set and on the user's signal until close().
    if (this.openBody !== undefined) this.finish()
  }

  /**
   * The call is its own abort signal, in the EventEmitter shape undici accepts: no
   * AbortController and no EventTarget listener per request.
   */
  on(event: string, listener: () => void): this {
    if (event === 'abort') {
      if (this.#abortListeners === undefined) this.#abortListeners = [listener]
      else this.#abortListeners.push(listener)
    }
    return this
  }

  once(event: string, listener: () => void): this {
    return this.on(event, listener)
  }

  removeListener(event: string, listener: () => void): this {
    const listeners = this.#abortListeners
    if (event === 'abort' && listeners !== undefined) {
      const index = listeners.indexOf(listener)
      if (index !== -1) listeners.splice(index, 1)
    }
    return this
  }

  off(event: string, listener: () => void): this {
    return this.removeListener(event, listener)
  }

  /** (Re)starts the deadline for one attempt; unref'd so it never holds the process open. */
  startTimer(): void {
    if (this.timer !== undefined) clearTimeout(this.timer)
    this.timer = setTimeout(onTimeout, this.timeoutMs, this)
    this.timer.unref()
  }

  /** The call is over (settled, and any body consumed or dumped). */
  finish(): void {
    if (this.timer !== undefined) clearTimeout(this.timer)
    this.timer = undefined
    this.openBody = undefined
    this.stream = undefined
    this.#abortListeners = undefined
    if (this.userSignal !== undefined) this.userSignal.removeEventListener('abort', this)
    this.calls.delete(this)
  }

  bodyStarted(): void {
    this.openBody = undefined
  }

  bodyDone(): void {
    this.finish()
  }

  bodyError(err: unknown): ClientError {
    return this.toError(err, true)
  }

  /** Maps anything thrown while sending or reading to the one typed error the caller sees. */
  toError(err: unknown, inBody = false): ClientError {
    if (isClientError(err) && this.stop === undefined) return err
    const label = this.label
    switch (this.stop) {
      case 'timeout':
        return new ClientError(
          'FOO_ERR_TIMEOUT',
          `${label} timed out after ${this.timeoutMs} ms; raise the timeout option if the server is slow.`,
          { cause: err },
        )
      case 'abort':
        return new ClientError('FOO_ERR_ABORTED', `${label} was aborted by its signal.`, {
          cause: this.userSignal?.reason ?? err,
        })
      case 'close':
        return new ClientError(
          'FOO_ERR_CLOSED',
          `${label} was waiting to retry when the client was closed.`,
          { cause: err },
        )
      case 'destroy':
        return destroyed(label, err)
    }
    if (isClientError(err)) return err
    const code = (err as { code?: unknown } | null)?.code
    if (
      code === 'UND_ERR_HEADERS_TIMEOUT' ||
      code === 'UND_ERR_BODY_TIMEOUT' ||
      code === 'UND_ERR_CONNECT_TIMEOUT'
    ) {
      return new ClientError(
        'FOO_ERR_TIMEOUT',
        `${label} timed out after ${this.timeoutMs} ms (${code}); raise the timeout option if the server is slow.`,
        { cause: err },
      )
    }
    if (code === 'UND_ERR_INVALID_ARG') {
      return new ClientError('FOO_ERR_INVALID_ARGUMENT', `${label}: ${describeError(err)}.`, {
        cause: err,
      })
    }
    if (code === 'UND_ERR_DESTROYED') return destroyed(label, err)
    if (code === 'UND_ERR_CLOSED') {
      return new ClientError('FOO_ERR_CLOSED', `${label}: the client is closed.`, { cause: err })
    }
    if (typeof code === 'string' && tlsCodes.test(code)) {
      return new ClientError(
        'FOO_ERR_TLS',
        `${label}: TLS verification failed (${code}); for a self-signed server pass its CA with { ca }.`,
        { cause: err },
      )
    }
    if (inBody || code === 'UND_ERR_RES_CONTENT_LENGTH_MISMATCH') {
      return new ClientError(
        'FOO_ERR_TRUNCATED_BODY',
        `${label}: the response body ended early (${describeError(err)}); the server closed or reset the connection mid-body.`,
        { cause: err },
      )
    }
    return new ClientError(
      'FOO_ERR_CONNECTION',
      `${label} failed: ${describeError(err)}. Check that the server is reachable.`,
      { cause: err },
    )
  }
}

function onTimeout(call: Call): void {
  call.abort('timeout')
}

function destroyed(label: string, cause: unknown): ClientError {
  return new ClientError('FOO_ERR_DESTROYED', `${label}: the client was destroyed.`, { cause })
}

function describeError(err: unknown): string {
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code
    return typeof code === 'string' ? `${code}: ${err.message}` : err.message
  }
  return String(err)
}
