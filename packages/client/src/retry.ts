import type { Headers } from './headers.js'

/** Methods retried by default: the idempotent ones (RFC 9110 §9.2.2). */
export const idempotentMethods: readonly string[] = [
  'GET',
  'HEAD',
  'OPTIONS',
  'PUT',
  'DELETE',
  'TRACE',
]

/** A client's retry policy, validated. */
export interface RetryPolicy {
  /** Extra attempts after the first. */
  limit: number
  minDelay: number
  maxDelay: number
  /** Methods that may be sent again; any other only with an `Idempotency-Key` header. */
  methods: ReadonlySet<string>
}

/** What an attempt ended with: an error before any response, or a response's status line. */
export type Outcome =
  | { error: unknown }
  | { status: number; headers: Record<string, string | string[]> }

/** The parts of a call that decide whether it may be sent again. */
export interface RetryCandidate {
  readonly method: string
  readonly headers: Headers
  /** Retries made so far. */
  readonly attempt: number
  /** False for a stream body: it cannot be sent twice. */
  readonly replayable: boolean
  /** Set once the call was stopped (timeout, abort, close, destroy). */
  readonly stop: string | undefined
}

const retryableStatus = new Set([429, 502, 503, 504])
const resetCodes = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'ECONNABORTED'])

/**
 * The one retry decision: how many ms to wait before sending `call` again after `outcome`, or
 * `undefined` to stop here. Retries only within `policy.limit`, only a call nobody stopped and
 * whose body can be sent again, only a method in `policy.methods` or a request carrying an
 * `Idempotency-Key` (only the server knows whether it acted on a POST it never answered), and
 * only a connection reset before any response or a 429/502/503/504. The delay is the server's
 * `Retry-After` when given, else full jitter; never more than `policy.maxDelay`.
 */
export function retryDelay(
  call: RetryCandidate,
  outcome: Outcome,
  policy: RetryPolicy,
  now: number = Date.now(),
): number | undefined {
  if (call.attempt >= policy.limit || call.stop !== undefined || !call.replayable) return undefined
  if (!policy.methods.has(call.method) && call.headers['idempotency-key'] === undefined) {
    return undefined
  }
  let retryAfter: string | string[] | undefined
  if ('error' in outcome) {
    const code = (outcome.error as { code?: unknown } | null)?.code
    if (typeof code !== 'string' || !resetCodes.has(code)) return undefined
  } else {
    if (!retryableStatus.has(outcome.status)) return undefined
    retryAfter = outcome.headers['retry-after']
  }
  return backoffDelay(call.attempt, policy.minDelay, policy.maxDelay, retryAfter, now)
}

/**
 * `Retry-After` in ms (delta-seconds or an HTTP date), or `undefined` when absent or invalid.
 */
export function parseRetryAfter(
  value: string | string[] | undefined,
  now: number,
): number | undefined {
  if (value === undefined) return undefined
  const text = (Array.isArray(value) ? value[0] : value)?.trim()
  if (text === undefined || text === '') return undefined
  if (/^\d+$/.test(text)) return Number(text) * 1000
  // An HTTP date names its weekday; anything else (e.g. "-1") is not one.
  if (!/[a-z]/i.test(text)) return undefined
  const date = Date.parse(text)
  if (Number.isNaN(date)) return undefined
  return Math.max(0, date - now)
}

/**
 * Delay before retry number `attempt` (0-based): `Retry-After` when the server gave one, else
 * exponential backoff with full jitter, `random(0, min(maxDelay, minDelay * 2^attempt))`;
 * always capped by `maxDelay`.
 */
export function backoffDelay(
  attempt: number,
  minDelay: number,
  maxDelay: number,
  retryAfter: string | string[] | undefined,
  now: number = Date.now(),
): number {
  const requested = parseRetryAfter(retryAfter, now)
  if (requested !== undefined) return Math.min(requested, maxDelay)
  const ceiling = Math.min(maxDelay, minDelay * 2 ** attempt)
  return Math.floor(Math.random() * ceiling)
}

/** An abort source in the EventEmitter shape (a client call). */
export interface AbortSource {
  readonly aborted: boolean
  once(event: 'abort', listener: () => void): unknown
  removeListener(event: 'abort', listener: () => void): unknown
}

/**
 * Waits `ms` on a ref'd timer (the caller awaits this request); rejects as soon as
 * `source` aborts, clearing the timer. The rejection value is a plain Error: the caller knows
 * why it aborted.
 */
export function sleep(ms: number, source: AbortSource): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    if (source.aborted) {
      reject(new Error('aborted'))
      return
    }
    const onAbort = () => {
      clearTimeout(timer)
      reject(new Error('aborted'))
    }
    const timer = setTimeout(() => {
      source.removeListener('abort', onAbort)
      resolve()
    }, ms)
    // Ref'd on purpose: the caller is awaiting this request, so the process must stay alive
    // until it settles (an unref'd backoff let `await api.get()` end the program with code 13).
    source.once('abort', onAbort)
  })
}
