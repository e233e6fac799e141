import type { Readable } from 'node:stream'
import { type BodyOwner, discard, drain, drainDeadlineMs } from './body.js'
import { isDecodeError } from './encoding.js'
import { ClientError, invalidArgument, isClientError } from './errors.js'
import type { DynamicHeaders, Headers } from './headers.js'
import type { HookRequest, ResolvedHooks } from './hooks.js'
import type { Hop } from './redirect.js'
import { requestBodyFailure } from './request-body.js'
import { type AbortSource, sleep } from './retry.js'
import { safeCause, scrub, secretsOf } from './secrets.js'
import { MockRefusal, type WireBody } from './transport.js'
import { redactUrl } from './url.js'

/**
 * Where a call is. `close()`, `destroy()` and `gracefulShutdown` decide what to do from this
 * alone (see {@link Call.closeGently}):
 * - `sending`: waiting for response headers;
 * - `discarding`: draining a response it does not need (a redirect's, a retried 429/503's);
 * - `backoff`: waiting to retry;
 * - `unread-body`: `request()` resolved and nobody started reading the body;
 * - `streaming`: the body is being read;
 * - `done`: settled, body consumed or discarded.
 */
export type Phase = 'sending' | 'discarding' | 'backoff' | 'unread-body' | 'streaming' | 'done'

/** Why a call was stopped by us. */
export type Stop = 'timeout' | 'abort' | 'close' | 'destroy'

/**
 * The calls a client is running, and whether it was closed: what `close()`, `destroy()`, the
 * finalizer and `gracefulShutdown` act on. It never references the client (the lifecycle
 * registry holds it through the pool's hooks).
 */
export class Calls {
  readonly #running = new Set<Call>()
  /** Set once the client is closing (`close`) or destroyed (`destroy`). */
  stopping: 'close' | 'destroy' | undefined = undefined

  add(call: Call): void {
    this.#running.add(call)
  }

  delete(call: Call): void {
    this.#running.delete(call)
  }

  /** `close`: each call as {@link Call.closeGently} says; `destroy`: every call fails now. */
  stop(how: 'close' | 'destroy'): void {
    if (this.stopping === 'destroy' || this.stopping === how) return
    this.stopping = how
    for (const call of this.#running) {
      if (how === 'destroy') call.abort('destroy')
      else call.closeGently()
    }
  }
}

/** Everything a call starts from; built once per request by the client. */
export interface CallInit {
  method: string
  /** `https://api.example.com` */
  origin: string
  /** Path and query, encoded, as undici takes it. */
  path: string
  headers: Headers
  body: WireBody
  /** False for a stream body: it cannot be sent twice. */
  replayable: boolean
  /** Deadline of each attempt, body included. */
  timeoutMs: number
  secretParams: ReadonlySet<string>
  signal: AbortSignal | undefined
  calls: Calls
  /** Header functions, called before each attempt at the request's own origin. */
  dynamic: DynamicHeaders | undefined
  /** The client's and the call's hooks. */
  hooks: ResolvedHooks | undefined
  /** A Blob or FormData body, read before the first attempt. */
  pending: Blob | FormData | undefined
}

const tlsCodes = /CERT|SELF_SIGNED|^ERR_TLS_|^ERR_SSL_|UNABLE_TO_(GET|VERIFY)|HOSTNAME_MISMATCH/

/**
 * The state of one client call across its attempts, redirects and body: one object, methods on
 * the prototype, so the hot path allocates no closures. It is the AbortSignal listener
 * (`handleEvent`), undici's abort signal (see {@link AbortSource}) and the body's owner.
 */
export class Call implements BodyOwner, AbortSource {
  method: string
  origin: string
  path: string
  headers: Headers
  body: WireBody
  readonly replayable: boolean
  readonly timeoutMs: number
  readonly secretParams: ReadonlySet<string>
  readonly signal: AbortSignal | undefined
  readonly calls: Calls
  readonly dynamic: DynamicHeaders | undefined
  readonly hooks: ResolvedHooks | undefined
  pending: Blob | FormData | undefined
  /** The origin the caller asked for: header functions and hooks run only there. */
  readonly firstOrigin: string
  phase: Phase = 'sending'
  /** Retries made so far. */
  attempt = 0
  stop: Stop | undefined = undefined
  /** Read by undici, which takes this call as its `signal`. */
  aborted = false
  #abortListeners: Array<() => void> | undefined = undefined
  #timer: NodeJS.Timeout | undefined = undefined
  /** The response body of this phase: the one being discarded, unread or read. */
  #stream: Readable | undefined = undefined

  constructor(init: CallInit) {
    this.method = init.method
    this.origin = init.origin
    this.path = init.path
    this.headers = init.headers
    this.body = init.body
    this.replayable = init.replayable
    this.timeoutMs = init.timeoutMs
    this.secretParams = init.secretParams
    this.signal = init.signal
    this.calls = init.calls
    this.dynamic = init.dynamic
    this.hooks = init.hooks
    this.pending = init.pending
    this.firstOrigin = init.origin
    if (init.signal !== undefined) init.signal.addEventListener('abort', this, { once: true })
    init.calls.add(this)
  }

  /** The full URL (built on demand: errors, redirects and the mocked path only). */
  get url(): string {
    return this.origin + this.path
  }

  /** What hooks see of this request: a copy of its headers, to change in `beforeRequest`. */
  hookRequest(): HookRequest {
    return {
      method: this.method,
      url: this.url,
      headers: { ...this.headers },
      attempt: this.attempt,
    }
  }

  /**
   * What a hook or header function threw, as the call rejects with it: a ClientError as it is
   * (e.g. from a token refresh made with another client), anything else FOO_ERR_HOOK with the
   * thrown value as cause, its text scrubbed of this call's secrets.
   */
  hookError(where: string, err: unknown): ClientError {
    if (isClientError(err)) return err
    const secrets = secretsOf(this.headers, this.path, this.secretParams)
    const cause = safeCause(err, secrets)
    return new ClientError(
      'FOO_ERR_HOOK',
      `${this.label}: ${where} threw: ${scrub(describeError(cause), secrets)}. Fix the hook, or catch inside it.`,
      { cause },
    )
  }

  /** `GET https://api.example.com/users/1` with credentials and secret params removed. */
  get label(): string {
    return `${this.method} ${redactUrl(this.url, this.secretParams)}`
  }

  /** Starts an attempt: `sending`, under a fresh deadline (unref'd: it never holds the process). */
  startAttempt(): void {
    this.phase = 'sending'
    if (this.#timer !== undefined) clearTimeout(this.#timer)
    this.#timer = setTimeout(onTimeout, this.timeoutMs, this)
    this.#timer.unref()
  }

  /** Response headers arrived: from now on a timeout or destroy must break `body`. */
  received(body: Readable): void {
    this.#stream = body
    // Stopped just as the headers arrived: nobody will read it.
    if (this.stop !== undefined) discard(body)
  }

  /** Hands the body to a `request()` caller: `unread-body` until someone reads it. */
  handOver(): void {
    this.phase = 'unread-body'
  }

  /**
   * Drains the body of this attempt's response, which nobody needs (`discarding`), within
   * {@link drainDeadlineMs} or this call's deadline, whichever is shorter.
   */
  async discardResponse(): Promise<void> {
    const body = this.#stream
    if (body === undefined) return
    this.phase = 'discarding'
    await drain(body, Math.min(drainDeadlineMs, this.timeoutMs))
    this.#stream = undefined
  }

  /** Waits `ms` before the next attempt (`backoff`); a closing client ends the wait at once. */
  async backoff(ms: number): Promise<void> {
    this.phase = 'backoff'
    if (this.#timer !== undefined) clearTimeout(this.#timer)
    this.#timer = undefined
    this.attempt++
    const stopping = this.calls.stopping
    if (stopping !== undefined) this.abort(stopping)
    await sleep(ms, this)
  }

  /** Moves the call to the next hop of a redirect. */
  follow(hop: Hop): void {
    this.origin = hop.origin
    this.path = hop.path
    this.method = hop.method
    this.headers = hop.headers
    if (!hop.keepBody) this.body = undefined
  }

  /**
   * The client's close semantics, one phase at a time: what is running finishes (`sending`,
   * `streaming`); what only waits ends now: a response being discarded is destroyed with its
   * connection, a backoff ends in FOO_ERR_CLOSED, an unread body is discarded. Shared by
   * `close()`, the finalizer and `gracefulShutdown`.
   */
  closeGently(): void {
    switch (this.phase) {
      case 'discarding':
        if (this.#stream !== undefined) discard(this.#stream)
        return
      case 'backoff':
        this.abort('close')
        return
      case 'unread-body':
        if (this.#stream !== undefined) discard(this.#stream)
        this.finish()
        return
      case 'sending':
      case 'streaming':
      case 'done':
        return
    }
  }

  /** The user's signal aborted. */
  handleEvent(): void {
    this.abort('abort')
  }

  abort(stop: Stop): void {
    if (this.stop !== undefined) return
    this.stop = stop
    if (this.#stream !== undefined) discard(this.#stream)
    this.aborted = true
    const listeners = this.#abortListeners
    this.#abortListeners = undefined
    if (listeners !== undefined) for (const listener of listeners) listener()
    // A request() body nobody started reading will never report back: end the call here, or it
    // stays in the client's set and on the user's signal until close().
    if (this.phase === 'unread-body') this.finish()
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

  /**
   * The call failed: a response body still open goes with its connection (nobody will read it),
   * the call is over, and this is the typed error to reject with.
   */
  fail(err: unknown): ClientError {
    if (this.#stream !== undefined) discard(this.#stream)
    this.finish()
    return this.toError(err)
  }

  /** The call is over (settled, and any body consumed or dumped). */
  finish(): void {
    this.phase = 'done'
    if (this.#timer !== undefined) clearTimeout(this.#timer)
    this.#timer = undefined
    this.#stream = undefined
    this.#abortListeners = undefined
    if (this.signal !== undefined) this.signal.removeEventListener('abort', this)
    this.calls.delete(this)
  }

  bodyStarted(): void {
    this.phase = 'streaming'
  }

  bodyDone(): void {
    this.finish()
  }

  bodyError(err: unknown): ClientError {
    return this.toError(err, true)
  }

  /** Secrets of this call, for text that came from elsewhere (a cause, a response body). */
  scrub(text: string): string {
    return scrub(text, secretsOf(this.headers, this.path, this.secretParams))
  }

  /**
   * Maps anything thrown while sending or reading to the one typed error the caller sees. Text
   * taken from the cause is scrubbed of this call's secrets, and so is the cause itself.
   */
  toError(err: unknown, inBody = false): ClientError {
    if (isClientError(err) && this.stop === undefined) return err
    const label = this.label
    const secrets = secretsOf(this.headers, this.path, this.secretParams)
    const cause = safeCause(err instanceof MockRefusal ? err.cause : err, secrets)
    const what = (): string => scrub(describeError(cause), secrets)
    switch (this.stop) {
      case 'timeout':
        return new ClientError(
          'FOO_ERR_TIMEOUT',
          `${label} timed out after ${this.timeoutMs} ms; raise the timeout option if the server is slow.`,
          { cause },
        )
      case 'abort':
        return new ClientError('FOO_ERR_ABORTED', `${label} was aborted by its signal.`, {
          cause: this.signal?.reason ?? cause,
        })
      case 'close':
        return new ClientError(
          'FOO_ERR_CLOSED',
          `${label} was waiting to retry when the client was closed.`,
          { cause },
        )
      case 'destroy':
        return destroyed(label, cause)
    }
    if (isClientError(err)) return err
    if (err instanceof MockRefusal) {
      return new ClientError(
        'FOO_ERR_CONNECTION',
        `${label} was refused by the mocking library that replaced fetch (nock, msw): ${what()}. Add a mock for this request, or let it through to the network.`,
        { cause },
      )
    }
    const code = (err as { code?: unknown } | null)?.code
    if (
      code === 'UND_ERR_HEADERS_TIMEOUT' ||
      code === 'UND_ERR_BODY_TIMEOUT' ||
      code === 'UND_ERR_CONNECT_TIMEOUT'
    ) {
      return new ClientError(
        'FOO_ERR_TIMEOUT',
        `${label} timed out after ${this.timeoutMs} ms (${code}); raise the timeout option if the server is slow.`,
        { cause },
      )
    }
    const bodyFailure = requestBodyFailure(err)
    if (bodyFailure !== undefined) {
      return new ClientError(
        'FOO_ERR_REQUEST_BODY',
        `${label}: ${scrub(bodyFailure.message, secrets)}. Nothing more of the request was sent; fix the body stream.`,
        { cause: safeCause(bodyFailure.cause ?? bodyFailure, secrets) },
      )
    }
    if (isDecodeError(err)) {
      const encoding =
        err.code === 'Z_BUF_ERROR' ? 'ended before its compressed data did' : 'could not be decoded'
      return new ClientError(
        err.code === 'Z_BUF_ERROR' ? 'FOO_ERR_TRUNCATED_BODY' : 'FOO_ERR_DECODE',
        `${label}: the response body ${encoding} (${what()}); the server sent a content-encoding its body does not match. Set decompress: false to read the raw bytes.`,
        { cause },
      )
    }
    if (code === 'UND_ERR_INVALID_ARG') {
      return invalidArgument(`${label}: ${what()}.`, cause)
    }
    if (code === 'UND_ERR_DESTROYED') return destroyed(label, cause)
    if (code === 'UND_ERR_CLOSED') {
      return new ClientError('FOO_ERR_CLOSED', `${label}: the client is closed.`, { cause })
    }
    if (typeof code === 'string' && tlsCodes.test(code)) {
      return new ClientError(
        'FOO_ERR_TLS',
        `${label}: TLS verification failed (${code}); for a self-signed server pass its CA with { ca }.`,
        { cause },
      )
    }
    if (inBody || code === 'UND_ERR_RES_CONTENT_LENGTH_MISMATCH') {
      return new ClientError(
        'FOO_ERR_TRUNCATED_BODY',
        `${label}: the response body ended early (${what()}); the server closed or reset the connection mid-body.`,
        { cause },
      )
    }
    return new ClientError(
      'FOO_ERR_CONNECTION',
      `${label} failed: ${what()}. Check that the server is reachable.`,
      { cause },
    )
  }
}

function onTimeout(call: Call): void {
  call.abort('timeout')
}

function destroyed(label: string, cause: unknown): ClientError {
  return new ClientError('FOO_ERR_DESTROYED', `${label}: the client was destroyed.`, { cause })
}

/** `CODE: message` of a cause, without a final period (the caller's sentence goes on). */
function describeError(err: unknown): string {
  let text: string
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code
    text = typeof code === 'string' ? `${code}: ${err.message}` : err.message
  } else {
    text = String(err)
  }
  return text.replace(/[.\s]+$/, '')
}
