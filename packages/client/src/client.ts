import { Readable } from 'node:stream'
import { inspect } from 'node:util'
import type { Dispatcher } from 'undici'
import { discard, dumpBody, parseJson, ResponseBody, readSnippet, readText } from './body.js'
import { Call } from './call.js'
import { ClientError, HttpError } from './errors.js'
import { describe, type HeaderInput, mergeHeaders, redactHeaders } from './headers.js'
import { type Managed, manage } from './lifecycle/manage.js'
import { type ClientOptions, maxTimerMs, type ResolvedOptions, resolveOptions } from './options.js'
import { isRedirect, nextHop } from './redirect.js'
import { backoffDelay, isConnectionReset, isIdempotent, isRetryableStatus, sleep } from './retry.js'
import {
  createAgent,
  failedOnReusedIdleSocket,
  fetchIsMocked,
  type RawResponse,
  type SocketBook,
  sendOnAgent,
  sendWithFetch,
  sendWithUndici,
  type WireBody,
} from './transport.js'
import { expandPath, type PathParam, type Query, redactUrl, serializeQuery } from './url.js'

/** Per-call options of the JSON methods and {@link Client.request}. */
export interface RequestOptions {
  /** Query parameters: arrays repeat the key, `undefined` is dropped, `null` sends `key=`. */
  query?: Query
  /**
   * The JSON methods send any body as JSON except bytes and streams; `request()` sends a
   * string, bytes or a stream as is and anything else as JSON.
   */
  body?: unknown
  /** Headers for this call, merged over the client's; `undefined` removes a default. */
  headers?: HeaderInput
  /** Values for the `{name}` placeholders of the path, percent-encoded. */
  params?: Record<string, PathParam>
  /** Aborts the call: it rejects with FOO_ERR_ABORTED. */
  signal?: AbortSignal
  /** Deadline in ms for each attempt of this call (headers and body), overriding the client's. */
  timeout?: number
}

/** What {@link Client.request} takes: a method and a path, plus {@link RequestOptions}. */
export interface RequestInit extends RequestOptions {
  method: string
  path: string
}

/** What {@link Client.request} resolves to. Read or dump `body`. */
export interface ClientResponse {
  status: number
  headers: Record<string, string | string[]>
  body: ResponseBody
}

type RequestOptionsArg = RequestOptions | undefined

const agentHooks = {
  close: (agent: Dispatcher): Promise<void> => agent.close(),
  destroy: (agent: Dispatcher): void => {
    agent.destroy().catch(ignore)
  },
}
const userDispatcherHooks = {
  close: async (): Promise<void> => {},
  destroy: (): void => {},
}
const maxErrorBody = 4096
const methodToken = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/

function ignore(): void {}

/**
 * Base class for REST API clients on undici. Subclass it, add one method per endpoint, and let
 * your users forget `close()`: the connections are closed when the client is garbage-collected
 * and destroyed before the process exits.
 *
 * @example
 * ```ts
 * import { Client } from '@foo/client'
 *
 * export class Api extends Client {
 *   constructor(token: string) {
 *     super({ baseUrl: 'https://api.example.com/v1', headers: { authorization: `Bearer ${token}` } })
 *   }
 *   getUser(id: string) { return this.get<User>('/users/{id}', { params: { id } }) }
 * }
 * ```
 */
export class Client {
  readonly #options: ResolvedOptions
  readonly #dispatcher: Dispatcher
  readonly #userDispatcher: boolean
  readonly #book: SocketBook | undefined
  readonly #managed: Managed
  readonly #calls = new Set<Call>()
  /** Default headers plus `accept: application/json`, shared by calls that add none. */
  readonly #jsonHeaders: Record<string, string | string[]>
  #destroyed = false

  /**
   * Validates `options` (a typed FOO_ERR_INVALID_ARGUMENT on any problem) and creates the
   * client's own connection pool, unless you pass a `dispatcher`.
   *
   * @example
   * ```ts
   * const client = new Client({ baseUrl: 'https://api.example.com/v1', retry: 2, timeout: 10_000 })
   * ```
   */
  constructor(options: ClientOptions) {
    const resolved = resolveOptions(options)
    this.#options = resolved
    this.#jsonHeaders = { accept: 'application/json', ...resolved.headers }
    const name = new.target.name
    if (resolved.dispatcher !== undefined) {
      this.#dispatcher = resolved.dispatcher
      this.#userDispatcher = true
      this.#book = undefined
      this.#managed = manage(this, {}, userDispatcherHooks, { name })
    } else {
      const { agent, book } = createAgent(resolved.ca, resolved.timeout)
      this.#dispatcher = agent
      this.#userDispatcher = false
      this.#book = book
      this.#managed = manage(this, agent, agentHooks, { name })
      book.managed = this.#managed
    }
  }

  /**
   * True once `close()` or `destroy()` started, by you or by the lifecycle (exit, signal, GC).
   *
   * @example
   * ```ts
   * if (!client.closed) await client.get('/health')
   * ```
   */
  get closed(): boolean {
    return this.#managed.closed
  }

  /**
   * GET `path` and resolve to its JSON body (`undefined` for 204 or an empty body).
   *
   * @example
   * ```ts
   * const user = await client.get<User>('/users/{id}', { params: { id: '42' } })
   * ```
   */
  get<T = unknown>(path: string, options?: RequestOptions): Promise<T> {
    return this.#json<T>('GET', path, options)
  }

  /**
   * POST `options.body` as JSON and resolve to the JSON response.
   *
   * @example
   * ```ts
   * const created = await client.post<User>('/users', { body: { name: 'Ada' } })
   * ```
   */
  post<T = unknown>(path: string, options?: RequestOptions): Promise<T> {
    return this.#json<T>('POST', path, options)
  }

  /**
   * PUT `options.body` as JSON and resolve to the JSON response.
   *
   * @example
   * ```ts
   * await client.put('/users/{id}', { params: { id }, body: user })
   * ```
   */
  put<T = unknown>(path: string, options?: RequestOptions): Promise<T> {
    return this.#json<T>('PUT', path, options)
  }

  /**
   * PATCH `options.body` as JSON and resolve to the JSON response.
   *
   * @example
   * ```ts
   * await client.patch('/users/{id}', { params: { id }, body: { name: 'Ada' } })
   * ```
   */
  patch<T = unknown>(path: string, options?: RequestOptions): Promise<T> {
    return this.#json<T>('PATCH', path, options)
  }

  /**
   * DELETE `path` and resolve to the JSON response (usually `undefined`: 204).
   *
   * @example
   * ```ts
   * await client.delete('/users/{id}', { params: { id } })
   * ```
   */
  delete<T = unknown>(path: string, options?: RequestOptions): Promise<T> {
    return this.#json<T>('DELETE', path, options)
  }

  /**
   * Any method, any body: resolves to `{ status, headers, body }` for every status (no
   * HttpError), after retries and redirects. Read the body once, or `dump()` it.
   *
   * @example
   * ```ts
   * const res = await client.request({ method: 'GET', path: '/export.csv' })
   * if (res.status === 200) await pipeline(res.body, createWriteStream('export.csv'))
   * else await res.body.dump()
   * ```
   */
  async request(init: RequestInit): Promise<ClientResponse> {
    if (typeof init !== 'object' || init === null) {
      throw new ClientError(
        'FOO_ERR_INVALID_ARGUMENT',
        `request() takes { method, path, ... }, got ${describe(init)}.`,
      )
    }
    const method = init.method
    if (typeof method !== 'string' || !methodToken.test(method)) {
      throw new ClientError(
        'FOO_ERR_INVALID_ARGUMENT',
        `request(): method must be an HTTP method such as 'GET', got ${JSON.stringify(method)}.`,
      )
    }
    const call = this.#prepare(method.toUpperCase(), init.path, init, false)
    const response = await this.#execute(call)
    call.openBody = response.body
    return {
      status: response.statusCode,
      headers: response.headers,
      body: new ResponseBody(response.body, this.#options.maxResponseSize, call),
    }
  }

  /**
   * Stops new requests (they reject with FOO_ERR_CLOSED), lets in-flight ones finish, discards
   * bodies nobody is reading (their connection is closed, never waited on), then closes the
   * connections. Idempotent.
   *
   * @example
   * ```ts
   * await client.close()
   * ```
   */
  close(): Promise<void> {
    for (const call of this.#calls) {
      if (call.openBody !== undefined) {
        // A body nobody reads may never end (a stalled server): destroy, do not drain.
        discard(call.openBody)
        call.finish()
      } else if (call.timer === undefined) {
        call.abort('close') // waiting for a retry: do not keep waiting
      }
    }
    return this.#managed.close()
  }

  /**
   * Fails in-flight requests with FOO_ERR_DESTROYED and destroys the connections now.
   * Idempotent.
   *
   * @example
   * ```ts
   * process.on('uncaughtException', () => client.destroy())
   * ```
   */
  destroy(): void {
    this.#destroyed = true
    for (const call of this.#calls) call.abort('destroy')
    this.#managed.destroy()
  }

  /**
   * `await using client = new Api()` closes it at the end of the scope.
   *
   * @example
   * ```ts
   * await using api = new Api()
   * await api.getFoo()
   * ```
   */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close()
  }

  /**
   * `Api(https://api.example.com/v1)`: never headers or secrets.
   *
   * @example
   * ```ts
   * console.log(String(api))
   * ```
   */
  toString(): string {
    return `${this.constructor.name}(${this.#options.baseUrl})`
  }

  /**
   * What `JSON.stringify(client)` shows: the base URL and redacted headers.
   *
   * @example
   * ```ts
   * JSON.stringify(api) // {"baseUrl":"https://api.example.com/v1","headers":{"authorization":"[REDACTED]"},...}
   * ```
   */
  toJSON(): Record<string, unknown> {
    const o = this.#options
    return {
      baseUrl: o.baseUrl,
      headers: redactHeaders(o.headers),
      timeout: o.timeout,
      retry: o.retryLimit,
      closed: this.closed,
    }
  }

  /**
   * `util.inspect(client)`: the same redacted view as {@link Client.toJSON}.
   *
   * @example
   * ```ts
   * console.log(api) // Api { baseUrl: '...', headers: { authorization: '[REDACTED]' }, ... }
   * ```
   */
  [inspect.custom](_depth: number, options: object): string {
    return `${this.constructor.name} ${inspect(this.toJSON(), options)}`
  }

  async #json<T>(method: string, path: string, options: RequestOptionsArg): Promise<T> {
    const call = this.#prepare(method, path, options, true)
    const response = await this.#execute(call)
    const { statusCode, headers, body } = response
    if (statusCode >= 200 && statusCode < 300) {
      try {
        if (statusCode === 204) {
          dumpBody(body)
          return undefined as T
        }
        const text = await readText(
          body,
          headers['content-length'],
          this.#options.maxResponseSize,
          call,
        )
        return parseJson<T>(text, call.label)
      } finally {
        call.finish()
      }
    }
    const snippet = await readSnippet(body, maxErrorBody)
    call.finish()
    throw new HttpError({
      status: statusCode,
      method: call.method,
      url: redactUrl(call.url, this.#options.secretParams),
      headers: redactHeaders(headers),
      body: snippet,
    })
  }

  #prepare(method: string, path: string, options: RequestOptionsArg, json: boolean): Call {
    if (this.#managed.closed) {
      throw new ClientError(
        this.#destroyed ? 'FOO_ERR_DESTROYED' : 'FOO_ERR_CLOSED',
        `${method} ${path}: the client is ${this.#destroyed ? 'destroyed' : 'closed'}; create a new client for new requests.`,
      )
    }
    const o = this.#options
    if (options !== undefined && (typeof options !== 'object' || options === null)) {
      throw new ClientError(
        'FOO_ERR_INVALID_ARGUMENT',
        `${method} ${path}: options must be an object, got ${describe(options)}.`,
      )
    }
    const target =
      o.basePath +
      expandPath(path, options?.params) +
      (options?.query === undefined ? '' : serializeQuery(options.query))
    let headers = json ? this.#jsonHeaders : o.headers
    if (options?.headers !== undefined) {
      headers = mergeHeaders({ ...headers }, options.headers, `${method} ${path}: headers`)
    }
    let body: WireBody
    let replayable = true
    const input = options?.body
    if (input !== undefined) {
      if (input instanceof Uint8Array) body = input
      else if (input instanceof ArrayBuffer) body = Buffer.from(input)
      else if (!json && typeof input === 'string') body = input
      else if (input instanceof Readable || isAsyncIterable(input)) {
        body = input as WireBody
        replayable = false
      } else {
        body = toJson(input, method, path)
        if (headers['content-type'] === undefined) {
          headers = { ...headers, 'content-type': 'application/json' }
        }
      }
    }
    let timeout = o.timeout
    if (options?.timeout !== undefined) {
      timeout = options.timeout
      if (!Number.isInteger(timeout) || timeout <= 0 || timeout > maxTimerMs) {
        throw new ClientError(
          'FOO_ERR_INVALID_ARGUMENT',
          `${method} ${path}: timeout must be an integer of ms from 1 to ${maxTimerMs}, got ${typeof timeout === 'number' ? String(timeout) : describe(timeout)}.`,
        )
      }
    }
    const signal = options?.signal
    if (signal !== undefined) {
      if (!(signal instanceof AbortSignal)) {
        throw new ClientError(
          'FOO_ERR_INVALID_ARGUMENT',
          `${method} ${path}: signal must be an AbortSignal.`,
        )
      }
      if (signal.aborted) {
        throw new ClientError(
          'FOO_ERR_ABORTED',
          `${method} ${redactUrl(o.origin + target, o.secretParams)} was aborted by its signal before it started.`,
          { cause: signal.reason },
        )
      }
    }
    return new Call(
      method,
      o.origin,
      target,
      headers,
      body,
      replayable,
      timeout,
      o.secretParams,
      signal,
      this.#calls,
    )
  }

  /**
   * Sends the call: retries, redirects; resolves to the final response, body unread. On failure
   * the call is finished and the rejection is its typed error.
   */
  async #execute(call: Call): Promise<RawResponse> {
    const o = this.#options
    let attempt = 0
    let visited: Set<string> | undefined
    try {
      for (;;) {
        call.startTimer()
        let response: RawResponse
        try {
          response = await this.#send(call)
        } catch (err) {
          if (
            attempt < o.retryLimit &&
            call.stop === undefined &&
            call.replayable &&
            isConnectionReset(err) &&
            (isIdempotent(call.method) || failedOnReusedIdleSocket(this.#book, err))
          ) {
            await this.#backoff(call, attempt++, undefined)
            continue
          }
          throw err
        }
        if (call.stop !== undefined) {
          // Stopped just as the headers arrived.
          dumpBody(response.body)
          throw new Error('stopped')
        }
        call.stream = response.body
        const status = response.statusCode
        if (
          attempt < o.retryLimit &&
          isRetryableStatus(status) &&
          isIdempotent(call.method) &&
          call.replayable
        ) {
          dumpBody(response.body)
          await this.#backoff(call, attempt++, response.headers['retry-after'])
          continue
        }
        if (o.maxRedirections > 0 && isRedirect(status)) {
          visited ??= new Set([call.url])
          dumpBody(response.body)
          const headers = { ...call.headers }
          const hop = nextHop(
            call.method,
            call.url,
            status,
            response.headers.location,
            visited,
            o.maxRedirections,
            headers,
            call.label,
          )
          if (hop.keepBody && call.body !== undefined && !call.replayable) {
            throw new ClientError(
              'FOO_ERR_REDIRECT',
              `${call.label} responded ${status} but its stream body cannot be sent again; send a Buffer or string instead, or set maxRedirections: 0.`,
            )
          }
          call.origin = hop.origin
          call.path = hop.path
          call.method = hop.method
          call.headers = headers
          if (!hop.keepBody) call.body = undefined
          continue
        }
        return response
      }
    } catch (err) {
      call.finish()
      throw call.toError(err)
    }
  }

  #send(call: Call): Promise<RawResponse> {
    if (!this.#userDispatcher && fetchIsMocked()) {
      return sendWithFetch(this.#dispatcher, call.url, call.method, call.headers, call.body, call)
    }
    if (!this.#userDispatcher) {
      return sendOnAgent(
        this.#dispatcher,
        call.origin,
        call.path,
        call.method,
        call.headers,
        call.body,
        call,
      )
    }
    return sendWithUndici(this.#dispatcher, call.url, call.method, call.headers, call.body, call)
  }

  async #backoff(call: Call, attempt: number, retryAfter: string | string[] | undefined) {
    if (call.timer !== undefined) clearTimeout(call.timer)
    call.timer = undefined
    const o = this.#options
    if (this.#managed.closed) call.abort(this.#destroyed ? 'destroy' : 'close')
    await sleep(backoffDelay(attempt, o.minDelay, o.maxDelay, retryAfter), call)
  }
}

function isAsyncIterable(value: unknown): boolean {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { [Symbol.asyncIterator]?: unknown })[Symbol.asyncIterator] === 'function'
  )
}

function toJson(value: unknown, method: string, path: string): string {
  let text: string | undefined
  try {
    text = JSON.stringify(value)
  } catch (cause) {
    throw new ClientError(
      'FOO_ERR_INVALID_ARGUMENT',
      `${method} ${path}: body is not JSON-serialisable (${(cause as Error).message}); convert BigInt and cycles first, or send bytes with client.request().`,
      { cause },
    )
  }
  if (text === undefined) {
    throw new ClientError(
      'FOO_ERR_INVALID_ARGUMENT',
      `${method} ${path}: body (${typeof value}) has no JSON form; pass an object, array, string, number, boolean or null.`,
    )
  }
  return text
}
