import { type ClientError, invalidArgument, typeOf } from './errors.js'

/** The request as hooks see it. `headers` (lower-cased names) may be changed by `beforeRequest`. */
export interface HookRequest {
  readonly method: string
  /** The full URL, as sent (your own values: hooks are your code). */
  readonly url: string
  headers: Record<string, string | string[]>
  /** 0 for the first attempt, then 1, 2... for each retry. */
  readonly attempt: number
}

/** The response as `afterResponse` sees it: status line and headers (the body is not read). */
export interface HookResponse {
  readonly status: number
  readonly headers: Readonly<Record<string, string | string[]>>
}

/** Why a request is about to be sent again. */
export interface RetryReason {
  /** The retry about to be made: 1 for the first. */
  readonly attempt: number
  /** How long the client waits first, ms (0 for a retry asked by `afterResponse`). */
  readonly delay: number
  /** The status that is retried (429, 503...), or the one `afterResponse` retried. */
  readonly status?: number
  /** The error that is retried (a connection reset), typed and redacted. */
  readonly error?: ClientError
}

/** What a hook may return: `T`, or nothing (a hook returning nothing is the common case). */
// biome-ignore lint/suspicious/noConfusingVoidType: a callback returning nothing is typed `void`
export type HookResult<T> = T | undefined | void | Promise<T | undefined | void>

/** Runs before each attempt: change `request.headers` (e.g. a fresh token); may be async. */
export type BeforeRequestHook = (request: HookRequest) => void | Promise<void>

/**
 * Runs when response headers arrive (before redirects are followed and retries decided it runs
 * only on the final response). Return `'retry'` to send the request again, once per call:
 * `beforeRequest` hooks and header functions run again first (e.g. after a 401 and a refresh).
 */
export type AfterResponseHook = (
  response: HookResponse,
  request: HookRequest,
) => HookResult<'retry'>

/** Runs before each retry, automatic or asked by `afterResponse`. */
export type BeforeRetryHook = (request: HookRequest, reason: RetryReason) => void | Promise<void>

/**
 * Runs on the error a call is about to reject with (HttpError included); return the error to
 * throw instead (e.g. your own subclass wrapping it), or nothing to keep it.
 */
export type BeforeErrorHook = (error: ClientError, request: HookRequest) => HookResult<Error>

/** Hooks of a client (`new Client({ hooks })`) or of one call (`{ hooks }`): both run, client's first. */
export interface Hooks {
  beforeRequest?: BeforeRequestHook[]
  afterResponse?: AfterResponseHook[]
  beforeRetry?: BeforeRetryHook[]
  beforeError?: BeforeErrorHook[]
}

/** Hooks after validation: only the kinds that have any. */
export type ResolvedHooks = {
  readonly [K in keyof Hooks]-?: NonNullable<Hooks[K]> | undefined
}

const kinds = ['beforeRequest', 'afterResponse', 'beforeRetry', 'beforeError'] as const

/** Validates hooks at the door; `undefined` when there are none. */
export function resolveHooks(hooks: unknown, where: string): ResolvedHooks | undefined {
  if (hooks === undefined) return undefined
  if (typeof hooks !== 'object' || hooks === null || Array.isArray(hooks)) {
    throw invalidArgument(
      `${where} must be an object such as { beforeRequest: [fn] }, got ${typeOf(hooks)}.`,
    )
  }
  const known = new Set<string>(kinds)
  for (const key of Object.keys(hooks)) {
    if (!known.has(key)) {
      throw invalidArgument(`${where}: unknown hook "${key}"; hooks are ${kinds.join(', ')}.`)
    }
  }
  const out: Record<string, Array<(...args: never[]) => unknown> | undefined> = {}
  let any = false
  for (const kind of kinds) {
    const list = (hooks as Record<string, unknown>)[kind]
    if (list === undefined) continue
    if (!Array.isArray(list) || list.some((fn) => typeof fn !== 'function')) {
      throw invalidArgument(`${where}.${kind} must be an array of functions, got ${typeOf(list)}.`)
    }
    if (list.length > 0) {
      out[kind] = [...list]
      any = true
    }
  }
  return any ? (out as ResolvedHooks) : undefined
}

/** The client's hooks followed by the call's. */
export function mergeHooks(
  client: ResolvedHooks | undefined,
  call: ResolvedHooks | undefined,
): ResolvedHooks | undefined {
  if (call === undefined) return client
  if (client === undefined) return call
  const out: Record<string, unknown[] | undefined> = {}
  for (const kind of kinds) {
    const a = client[kind]
    const b = call[kind]
    out[kind] = a === undefined ? b : b === undefined ? a : [...a, ...b]
  }
  return out as ResolvedHooks
}
