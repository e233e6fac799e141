import { inspect } from 'node:util'
import { type Dispatcher, interceptors } from 'undici'
import { dumpBody, parseJson, ResponseBody, readSnippet, readText } from './body.js'
import { Call, Calls } from './call.js'
import { decodeResponse } from './encoding.js'
import { ClientError, invalidArgument, typeOf } from './errors.js'
import {
  type DynamicHeaders,
  type HeaderInput,
  type Headers,
  mergeHeaders,
  redactHeaders,
  resolveDynamicHeaders,
} from './headers.js'
import { type Hooks, mergeHooks, type ResolvedHooks, resolveHooks } from './hooks.js'
import { HttpError } from './http-error.js'
import type { Managed } from './lifecycle/manage.js'
import { type CapturedStack, captureStack, formatStack } from './lifecycle/stack.js'
import { checkMs } from './limits.js'
import { type ClientOptions, type ResolvedOptions, resolveOptions } from './options.js'
import {
  type JsonResponse,
  type PaginationOptions,
  pageItems,
  queryObject,
  resolvePagination,
  sameOriginTarget,
} from './paginate.js'
import { openPool } from './pool.js'
import { isRedirect, nextHop } from './redirect.js'
import { encodeBody, readPending } from './request-body.js'
import { retryDelay } from './retry.js'
import { chooseSend, type RawResponse, type Send } from './transport.js'
import { expandPath, type PathParam, type Query, redactUrl, serializeQuery } from './url.js'

/** Per-call options of the JSON methods and {@link Client.request}. */
export interface RequestOptions {
  /** Query parameters: arrays repeat the key, `undefined` is dropped, `null` sends `key=`. */
  query?: Query
  /**
   * Bytes (`Uint8Array`, `ArrayBuffer`, `DataView`...), `URLSearchParams` (form-encoded),
   * `FormData` and `Blob` (as fetch sends them) and streams are sent as they are; anything else
   * as JSON. The JSON methods send a string as JSON, `request()` as text.
   */
  body?: unknown
  /**
   * Headers for this call, merged over the client's; `undefined` removes a default. A value may
   * be a function (sync or async), called before each attempt.
   */
  headers?: HeaderInput
  /** Hooks for this call, run after the client's. */
  hooks?: Hooks
  /** Values for the `{name}` placeholders of the path, percent-encoded. */
  params?: Record<string, PathParam>
  /** Aborts the call: it rejects with FOO_ERR_ABORTED. */
  signal?: AbortSignal
  /** Deadline in ms for each attempt of this call (headers and body), overriding the client's. */
  timeout?: number
}

/** Options of the JSON methods: {@link RequestOptions}, and whether to resolve to the status and headers too. */
export interface JsonRequestOptions extends RequestOptions {
  /** Resolve to `{ data, status, headers }` instead of the data alone. */
  withResponse?: boolean
}

/** Options of {@link Client.paginate} and {@link Client.pages}: a GET's options and how to walk the pages. */
export interface PaginateOptions<T> extends RequestOptions, PaginationOptions<T> {}

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

type RequestOptionsArg = JsonRequestOptions | undefined

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
  /** The client's own pool (with the cache when on), opened by its first request. */
  #agent: Dispatcher | undefined = undefined
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
    const dispatcher =
      resolved.dispatcher !== undefined && resolved.cache !== undefined
        ? withCache(resolved.dispatcher, resolved.cache.store)
        : resolved.dispatcher
    this.#send = chooseSend(dispatcher, () => this.#agent ?? this.#openPool())
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
  get<T = unknown>(
    path: string,
    options: JsonRequestOptions & { withResponse: true },
  ): Promise<JsonResponse<T>>
  get<T = unknown>(path: string, options?: JsonRequestOptions): Promise<T>
  get<T = unknown>(path: string, options?: JsonRequestOptions): Promise<T | JsonResponse<T>> {
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
  post<T = unknown>(
    path: string,
    options: JsonRequestOptions & { withResponse: true },
  ): Promise<JsonResponse<T>>
  post<T = unknown>(path: string, options?: JsonRequestOptions): Promise<T>
  post<T = unknown>(path: string, options?: JsonRequestOptions): Promise<T | JsonResponse<T>> {
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
  put<T = unknown>(
    path: string,
    options: JsonRequestOptions & { withResponse: true },
  ): Promise<JsonResponse<T>>
  put<T = unknown>(path: string, options?: JsonRequestOptions): Promise<T>
  put<T = unknown>(path: string, options?: JsonRequestOptions): Promise<T | JsonResponse<T>> {
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
  patch<T = unknown>(
    path: string,
    options: JsonRequestOptions & { withResponse: true },
  ): Promise<JsonResponse<T>>
  patch<T = unknown>(path: string, options?: JsonRequestOptions): Promise<T>
  patch<T = unknown>(path: string, options?: JsonRequestOptions): Promise<T | JsonResponse<T>> {
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
  delete<T = unknown>(
    path: string,
    options: JsonRequestOptions & { withResponse: true },
  ): Promise<JsonResponse<T>>
  delete<T = unknown>(path: string, options?: JsonRequestOptions): Promise<T>
  delete<T = unknown>(path: string, options?: JsonRequestOptions): Promise<T | JsonResponse<T>> {
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
    let response: RawResponse
    try {
      response = await this.#execute(call)
    } catch (err) {
      throw await beforeError(call, err)
    }
    call.handOver()
    return {
      status: response.statusCode,
      headers: response.headers,
      body: new ResponseBody(response.body, this.#options.maxResponseSize, call, this),
    }
  }

  /**
   * GETs `path` page after page and yields the items of each: follows the `Link` header's
   * `rel="next"` (RFC 8288) by default, or your `next` for cursor and offset APIs; stops at
   * the last page, after `maxPages` (default 100), or when `signal` aborts (FOO_ERR_ABORTED).
   * Every page goes through the client's hooks, retries and errors like `get()`.
   *
   * @example
   * ```ts
   * for await (const user of client.paginate<User>('/users', { query: { per_page: 100 } })) {
   *   console.log(user.name)
   * }
   * // a cursor API:
   * client.paginate<Item>('/items', {
   *   items: (page) => (page.data as { items: Item[] }).items,
   *   next: (page) => {
   *     const cursor = (page.data as { next_cursor?: string }).next_cursor
   *     return cursor === undefined ? undefined : { query: { cursor } }
   *   },
   * })
   * ```
   */
  async *paginate<T = unknown>(
    path: string,
    options?: PaginateOptions<T>,
  ): AsyncGenerator<T, void, undefined> {
    const items = resolvePagination(options, `paginate ${path}`).items
    for await (const page of this.pages<unknown>(path, options as PaginateOptions<unknown>)) {
      yield* pageItems(page, items, `GET ${path}`)
    }
  }

  /**
   * Like {@link Client.paginate}, but yields each page whole: `{ data, status, headers }`.
   *
   * @example
   * ```ts
   * for await (const page of client.pages<User[]>('/users')) console.log(page.headers['x-total-count'], page.data.length)
   * ```
   */
  async *pages<T = unknown>(
    path: string,
    options?: PaginateOptions<unknown>,
  ): AsyncGenerator<JsonResponse<T>, void, undefined> {
    const walk = resolvePagination(options, `pages ${path}`)
    const { items: _, next: __, maxPages: ___, ...request } = options ?? {}
    let current = { path, query: queryObject(options?.query), index: 0 }
    let target: string | undefined
    for (let index = 0; index < walk.maxPages; index++) {
      const call = this.#prepare(
        'GET',
        current.path,
        { ...request, query: current.query as Query },
        true,
        target,
      )
      const page = (await this.#finishJson<T>(call, true)) as JsonResponse<T>
      yield page
      const next = await walk.next(page as JsonResponse<unknown>, { ...current, index })
      if (next === undefined) return
      if (typeof next === 'string' || next instanceof URL) {
        target = sameOriginTarget(next, call.url, this.#options.origin, call.label)
        current = { path: current.path, query: {}, index: index + 1 }
      } else if (typeof next === 'object' && next !== null) {
        current = {
          path: next.path ?? current.path,
          query: next.query === undefined ? current.query : { ...current.query, ...next.query },
          index: index + 1,
        }
        target = next.path === undefined && next.query === undefined ? target : undefined
      } else {
        throw invalidArgument(
          `pages ${path}: next must return { path?, query? }, a URL or undefined, got ${typeOf(next)}.`,
        )
      }
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
  #openPool(): Dispatcher {
    if (this.#calls.stopping !== undefined) throw this.#closedError('request')
    const o = this.#options
    const createdAt = this.#createdAt === undefined ? '' : formatStack(this.#createdAt)
    this.#createdAt = undefined
    const pool = openPool(
      this,
      { ca: o.ca, proxy: o.proxy, timeout: o.timeout, name: this.constructor.name, createdAt },
      this.#calls,
    )
    this.#managed = pool.managed
    this.#agent = o.cache === undefined ? pool.agent : withCache(pool.agent, o.cache.store)
    return this.#agent
  }

  #closedError(what: string): ClientError {
    const destroyed = this.#calls.stopping === 'destroy'
    return new ClientError(
      destroyed ? 'FOO_ERR_DESTROYED' : 'FOO_ERR_CLOSED',
      `${what}: the client is ${destroyed ? 'destroyed' : 'closed'}; create a new client for new requests.`,
    )
  }

  #json<T>(method: string, path: string, options: RequestOptionsArg): Promise<T | JsonResponse<T>> {
    let call: Call
    try {
      call = this.#prepare(method, path, options, true)
    } catch (err) {
      // Bad input rejects like everything else; not an async wrapper: one promise per call.
      return Promise.reject(err)
    }
    return this.#finishJson<T>(call, options?.withResponse === true)
  }

  /** Sends a JSON call and reads its body: the data (or the whole response), else HttpError. */
  async #finishJson<T>(call: Call, withResponse: boolean): Promise<T | JsonResponse<T>> {
    try {
      const { statusCode, headers, body } = await this.#execute(call)
      call.bodyStarted()
      if (statusCode >= 200 && statusCode < 300) {
        let data: T
        try {
          if (statusCode === 204) {
            dumpBody(body)
            data = undefined as T
          } else {
            const text = await readText(
              body,
              headers['content-length'],
              this.#options.maxResponseSize,
              call,
            )
            data = parseJson<T>(text, call.label)
          }
        } finally {
          call.finish()
        }
        return withResponse ? { data, status: statusCode, headers } : data
      }
      const snippet = await readSnippet(body, maxErrorBody)
      // The deadline (or a destroy) cut the error body short: that is the error, not the status.
      if (call.stop !== undefined)
        throw call.fail(new Error('stopped while reading the error body'))
      call.finish()
      throw new HttpError({
        status: statusCode,
        method: call.method,
        url: redactUrl(call.url, call.secretParams),
        headers: redactHeaders(headers),
        body: call.scrub(snippet),
      })
    } catch (err) {
      throw await beforeError(call, err)
    }
  }

  #prepare(
    method: string,
    path: string,
    options: RequestOptionsArg,
    json: boolean,
    rawTarget?: string,
  ): Call {
    if (this.#calls.stopping !== undefined) throw this.#closedError(`${method} ${path}`)
    const o = this.#options
    if (options !== undefined && (typeof options !== 'object' || options === null)) {
      throw invalidArgument(`${method} ${path}: options must be an object, got ${typeOf(options)}.`)
    }
    const where = `${method} ${path}`
    const target =
      o.basePath +
      expandPath(path, options?.params) +
      (options?.query === undefined ? '' : serializeQuery(options.query))
    let headers = json ? this.#jsonHeaders : o.headers
    let dynamic = o.dynamic
    if (options?.headers !== undefined) {
      const callDynamic: DynamicHeaders = { ...dynamic }
      headers = mergeHeaders({ ...headers }, options.headers, `${where}: headers`, callDynamic)
      dynamic = Object.keys(callDynamic).length === 0 ? undefined : callDynamic
    }
    const hooks: ResolvedHooks | undefined =
      options?.hooks === undefined
        ? o.hooks
        : mergeHooks(o.hooks, resolveHooks(options.hooks, `${where}: hooks`))
    const input = options?.body
    const encoded = input === undefined ? undefined : encodeBody(input, json, where)
    if (encoded?.contentType !== undefined && headers['content-type'] === undefined) {
      headers = { ...headers, 'content-type': encoded.contentType }
    }
    const timeoutMs =
      options?.timeout === undefined
        ? o.timeout
        : checkMs(`${where}: timeout`, options.timeout, undefined, 1)
    const signal = options?.signal
    if (signal !== undefined) {
      if (!(signal instanceof AbortSignal)) {
        throw invalidArgument(`${where}: signal must be an AbortSignal.`)
      }
      if (signal.aborted) {
        throw new ClientError(
          'FOO_ERR_ABORTED',
          `${method} ${redactUrl(o.origin + (rawTarget ?? target), o.secretParams)} was aborted by its signal before it started.`,
          { cause: signal.reason },
        )
      }
    }
    return new Call({
      method,
      origin: o.origin,
      path: rawTarget ?? target,
      headers,
      body: encoded?.body,
      replayable: encoded?.replayable ?? true,
      timeoutMs,
      secretParams: o.secretParams,
      signal,
      calls: this.#calls,
      dynamic,
      hooks,
      pending: encoded?.pending,
    })
  }

  /**
   * Sends the call: header functions and hooks, retries, redirects; resolves to the final
   * response, decoded, body unread. On failure the call is over and the rejection is its typed
   * error (before `beforeError`, which the caller applies).
   */
  async #execute(call: Call): Promise<RawResponse> {
    const o = this.#options
    let visited: Set<string> | undefined
    let hookRetried = false
    try {
      if (call.pending !== undefined) {
        const { body, contentType } = await readPending(call.pending)
        call.body = body
        call.pending = undefined
        if (contentType !== undefined && call.headers['content-type'] === undefined) {
          call.headers = { ...call.headers, 'content-type': contentType }
        }
      }
      for (;;) {
        call.startAttempt()
        if (
          call.origin === call.firstOrigin &&
          (call.dynamic !== undefined || call.hooks?.beforeRequest !== undefined)
        ) {
          await beforeRequest(call)
        }
        let response: RawResponse
        try {
          response = await this.#send(call)
        } catch (error) {
          const delay = retryDelay(call, { error }, o.retry)
          if (delay === undefined) throw error
          await beforeRetry(call, { attempt: call.attempt + 1, delay, error: call.toError(error) })
          await call.backoff(delay)
          continue
        }
        call.received(response.body)
        if (call.stop !== undefined) throw new Error('stopped as the response arrived')
        const status = response.statusCode
        const delay = retryDelay(call, { status, headers: response.headers }, o.retry)
        if (delay !== undefined) {
          await beforeRetry(call, { attempt: call.attempt + 1, delay, status })
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
        if (
          call.hooks?.afterResponse !== undefined &&
          (await afterResponse(call, response)) &&
          !hookRetried
        ) {
          hookRetried = true
          await beforeRetry(call, { attempt: call.attempt + 1, delay: 0, status })
          await call.discardResponse()
          await call.backoff(0)
          continue
        }
        const decoded = o.decompress
          ? decodeResponse(response, call.method, call.label, response.mockDecoded)
          : response
        if (decoded !== response) call.received(decoded.body)
        return decoded
      }
    } catch (err) {
      throw call.fail(err)
    }
  }
}

/** The undici cache interceptor over `dispatcher`: a private cache for GET. */
function withCache(
  dispatcher: Dispatcher,
  store: NonNullable<ResolvedOptions['cache']>['store'],
): Dispatcher {
  return dispatcher.compose(interceptors.cache({ store, methods: ['GET'], type: 'private' }))
}

/** Header functions, then `beforeRequest` hooks, with what they change validated. */
async function beforeRequest(call: Call): Promise<void> {
  let headers = call.headers
  if (call.dynamic !== undefined) {
    try {
      headers = await resolveDynamicHeaders(headers, call.dynamic, 'a header function')
    } catch (err) {
      throw call.hookError('a header function', err)
    }
  }
  const hooks = call.hooks?.beforeRequest
  if (hooks !== undefined) {
    call.headers = headers
    const request = call.hookRequest()
    for (const hook of hooks) {
      try {
        await hook(request)
      } catch (err) {
        throw call.hookError('a beforeRequest hook', err)
      }
    }
    headers = mergeHeaders(
      {},
      request.headers as HeaderInput,
      `${call.label}: headers set by a beforeRequest hook`,
    )
  }
  call.headers = headers
  if (call.stop !== undefined) throw new Error('stopped while running beforeRequest')
}

/** True when an `afterResponse` hook asked for the request to be sent again. */
async function afterResponse(call: Call, response: RawResponse): Promise<boolean> {
  const view = { status: response.statusCode, headers: response.headers }
  let retry = false
  for (const hook of call.hooks?.afterResponse ?? []) {
    try {
      if ((await hook(view, call.hookRequest())) === 'retry') retry = true
    } catch (err) {
      throw call.hookError('an afterResponse hook', err)
    }
  }
  if (call.stop !== undefined) throw new Error('stopped while running afterResponse')
  if (retry && !call.replayable) {
    throw new ClientError(
      'FOO_ERR_HOOK',
      `${call.label}: an afterResponse hook asked for a retry, but the stream body cannot be sent again; send bytes or a string instead.`,
    )
  }
  return retry
}

async function beforeRetry(
  call: Call,
  reason: Parameters<NonNullable<Hooks['beforeRetry']>[number]>[1],
): Promise<void> {
  const hooks = call.hooks?.beforeRetry
  if (hooks === undefined) return
  for (const hook of hooks) {
    try {
      await hook(call.hookRequest(), reason)
    } catch (err) {
      throw call.hookError('a beforeRetry hook', err)
    }
  }
}

/** The error a call rejects with, after its `beforeError` hooks. */
async function beforeError(call: Call, err: unknown): Promise<unknown> {
  const hooks = call.hooks?.beforeError
  if (hooks === undefined || !(err instanceof ClientError)) return err
  let error: Error = err
  for (const hook of hooks) {
    try {
      const replaced = await hook(error as ClientError, call.hookRequest())
      if (replaced instanceof Error) error = replaced
    } catch (thrown) {
      return call.hookError('a beforeError hook', thrown)
    }
  }
  return error
}
