import { Readable } from 'node:stream'
import { inspect } from 'node:util'
import type { Agent } from 'undici'
import { dumpBody, parseJson, ResponseBody, readSnippet, readText } from './body.js'
import { Call, Calls } from './call.js'
import { ClientError, invalidArgument, typeOf } from './errors.js'
import { type HeaderInput, type Headers, mergeHeaders, redactHeaders } from './headers.js'
import { HttpError } from './http-error.js'
import type { Managed } from './lifecycle/manage.js'
import { type CapturedStack, captureStack, formatStack } from './lifecycle/stack.js'
import { checkMs } from './limits.js'
import { type ClientOptions, type ResolvedOptions, resolveOptions } from './options.js'
import { openPool } from './pool.js'
import { isRedirect, nextHop } from './redirect.js'
import { retryDelay } from './retry.js'
import { chooseSend, type RawResponse, type Send, type WireBody } from './transport.js'
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

const maxErrorBody = 4096
const methodToken = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/

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
  readonly #calls = new Calls()
  readonly #send: Send
  /** Default headers plus `accept: application/json`, shared by calls that add none. */
  readonly #jsonHeaders: Headers
  /** The client's own pool, opened by its first request (none with a user's dispatcher). */
  #agent: Agent | undefined = undefined
  #managed: Managed | undefined = undefined
  /** Where the client was created: captured cheaply now, formatted when the pool opens. */
  #createdAt: CapturedStack | undefined

  /**
   * Validates `options` (a typed FOO_ERR_INVALID_ARGUMENT on any problem). The connection pool
   * (unless you pass a `dispatcher`) opens with the first request.
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
    this.#send = chooseSend(resolved.dispatcher, () => this.#agent ?? this.#openPool())
    this.#createdAt = resolved.dispatcher === undefined ? captureStack(Client) : undefined
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
    return this.#calls.stopping !== undefined
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
      throw invalidArgument(`request() takes { method, path, ... }, got ${typeOf(init)}.`)
    }
    const method = init.method
    if (typeof method !== 'string' || !methodToken.test(method)) {
      throw invalidArgument(
        `request(): method must be an HTTP method such as 'GET', got ${JSON.stringify(method)}.`,
      )
    }
    const call = this.#prepare(method.toUpperCase(), init.path, init, false)
    const response = await this.#execute(call)
    call.handOver()
    return {
      status: response.statusCode,
      headers: response.headers,
      body: new ResponseBody(response.body, this.#options.maxResponseSize, call, this),
    }
  }

  /**
   * Stops new requests (they reject with FOO_ERR_CLOSED), lets requests on the wire and bodies
   * being read finish, ends what only waits (a retry backoff: FOO_ERR_CLOSED; a body nobody
   * reads or one being discarded: destroyed with its connection), then closes the connections.
   * Idempotent. `gracefulShutdown` and the finalizer close a client the same way.
   *
   * @example
   * ```ts
   * await client.close()
   * ```
   */
  close(): Promise<void> {
    this.#calls.stop('close')
    return this.#managed?.close() ?? Promise.resolve()
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
    this.#calls.stop('destroy')
    this.#managed?.destroy()
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
      retry: o.retry.limit,
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

  /** Opens the client's own pool on its first request; its lifecycle entry starts here. */
  #openPool(): Agent {
    if (this.#calls.stopping !== undefined) throw this.#closedError('request')
    const o = this.#options
    const createdAt = this.#createdAt === undefined ? '' : formatStack(this.#createdAt)
    this.#createdAt = undefined
    const pool = openPool(
      this,
      { ca: o.ca, timeout: o.timeout, name: this.constructor.name, createdAt },
      this.#calls,
    )
    this.#agent = pool.agent
    this.#managed = pool.managed
    return pool.agent
  }

  #closedError(what: string): ClientError {
    const destroyed = this.#calls.stopping === 'destroy'
    return new ClientError(
      destroyed ? 'FOO_ERR_DESTROYED' : 'FOO_ERR_CLOSED',
      `${what}: the client is ${destroyed ? 'destroyed' : 'closed'}; create a new client for new requests.`,
    )
  }

  async #json<T>(method: string, path: string, options: RequestOptionsArg): Promise<T> {
    const call = this.#prepare(method, path, options, true)
    const { statusCode, headers, body } = await this.#execute(call)
    call.bodyStarted()
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
    // The deadline (or a destroy) cut the error body short: that is the error, not the status.
    if (call.stop !== undefined) throw call.fail(new Error('stopped while reading the error body'))
    call.finish()
    throw new HttpError({
      status: statusCode,
      method: call.method,
      url: redactUrl(call.url, call.secretParams),
      headers: redactHeaders(headers),
      body: call.scrub(snippet),
    })
  }

  #prepare(method: string, path: string, options: RequestOptionsArg, json: boolean): Call {
    if (this.#calls.stopping !== undefined) throw this.#closedError(`${method} ${path}`)
    const o = this.#options
    if (options !== undefined && (typeof options !== 'object' || options === null)) {
      throw invalidArgument(`${method} ${path}: options must be an object, got ${typeOf(options)}.`)
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
    const timeoutMs =
      options?.timeout === undefined
        ? o.timeout
        : checkMs(`${method} ${path}: timeout`, options.timeout, undefined, 1)
    const signal = options?.signal
    if (signal !== undefined) {
      if (!(signal instanceof AbortSignal)) {
        throw invalidArgument(`${method} ${path}: signal must be an AbortSignal.`)
      }
      if (signal.aborted) {
        throw new ClientError(
          'FOO_ERR_ABORTED',
          `${method} ${redactUrl(o.origin + target, o.secretParams)} was aborted by its signal before it started.`,
          { cause: signal.reason },
        )
      }
    }
    return new Call({
      method,
      origin: o.origin,
      path: target,
      headers,
      body,
      replayable,
      timeoutMs,
      secretParams: o.secretParams,
      signal,
      calls: this.#calls,
    })
  }

  /**
   * Sends the call: retries, redirects; resolves to the final response, body unread. On failure
   * the call is over and the rejection is its typed error.
   */
  async #execute(call: Call): Promise<RawResponse> {
    const o = this.#options
    let visited: Set<string> | undefined
    try {
      for (;;) {
        call.startAttempt()
        let response: RawResponse
        try {
          response = await this.#send(call)
        } catch (error) {
          const delay = retryDelay(call, { error }, o.retry)
          if (delay === undefined) throw error
          await call.backoff(delay)
          continue
        }
        call.received(response.body)
        if (call.stop !== undefined) throw new Error('stopped as the response arrived')
        const status = response.statusCode
        const delay = retryDelay(call, { status, headers: response.headers }, o.retry)
        if (delay !== undefined) {
          await call.discardResponse()
          await call.backoff(delay)
          continue
        }
        if (o.maxRedirections > 0 && isRedirect(status)) {
          visited ??= new Set([call.url])
          const hop = nextHop(
            {
              method: call.method,
              origin: call.origin,
              path: call.path,
              headers: call.headers,
              hasBody: call.body !== undefined,
              replayable: call.replayable,
            },
            status,
            response.headers.location,
            visited,
            o.maxRedirections,
            call.label,
          )
          await call.discardResponse()
          if (call.stop !== undefined) throw new Error('stopped while following a redirect')
          visited.add(hop.origin + hop.path)
          call.follow(hop)
          continue
        }
        return response
      }
    } catch (err) {
      throw call.fail(err)
    }
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
    throw invalidArgument(
      `${method} ${path}: body is not JSON-serialisable (${(cause as Error).message}); convert BigInt and cycles first, or send bytes with client.request().`,
      cause,
    )
  }
  if (text === undefined) {
    throw invalidArgument(
      `${method} ${path}: body (${typeof value}) has no JSON form; pass an object, array, string, number, boolean or null.`,
    )
  }
  return text
}
