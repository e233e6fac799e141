/** Methods that may be sent again after any failure (RFC 9110 §9.2.2). */
const idempotent = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE', 'TRACE'])

/** True for GET, HEAD, OPTIONS, PUT, DELETE and TRACE. */
export function isIdempotent(method: string): boolean {
  return idempotent.has(method)
}

/** Statuses worth another attempt: 429 Too Many Requests, 502, 503, 504. */
export function isRetryableStatus(status: number): boolean {
  return status === 429 || status === 502 || status === 503 || status === 504
}

const resetCodes = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'ECONNABORTED'])

/** True when the connection broke under the request (reset, closed by the peer). */
export function isConnectionReset(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code
  return typeof code === 'string' && resetCodes.has(code)
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
