import type { LeakGroup } from './policy.js'
import type { OpenHandle } from './tracker/types.js'

/** Stable codes of {@link LeakcheckError}. */
export type LeakcheckErrorCode =
  | 'LEAKCHECK_INVALID_ALLOW_RULE'
  | 'LEAKCHECK_INVALID_OPTION'
  | 'LEAKCHECK_LEAK'
  | 'LEAKCHECK_BAD_USAGE'

const brand = Symbol.for('@foo/leakcheck.error')

/** How a bad input value is named in an error message (never throws, whatever the value). */
export function describeValue(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'an array'
  if (value instanceof RegExp) return `a RegExp ${String(value)}`
  if (typeof value === 'string') return `the string ${JSON.stringify(value)}`
  if (typeof value === 'object') return 'an object'
  if (typeof value === 'symbol') return 'a symbol'
  return `${typeof value} ${String(value)}`
}

/**
 * The one error class of `@foo/leakcheck`; branch on `code`, not on the message.
 *
 * @example
 * ```ts
 * try { await probe.assertNone() } catch (error) {
 *   if (isLeakcheckError(error) && error.code === 'LEAKCHECK_LEAK') console.error(error.message)
 * }
 * ```
 */
export class LeakcheckError extends Error {
  readonly code: LeakcheckErrorCode
  readonly [brand] = true

  constructor(code: LeakcheckErrorCode, message: string, options?: ErrorOptions) {
    super(message, options)
    this.name = 'LeakcheckError'
    this.code = code
  }
}

/**
 * `true` for a {@link LeakcheckError} from any copy of this package.
 *
 * @example
 * ```ts
 * if (isLeakcheckError(error)) console.log(error.code)
 * ```
 */
export function isLeakcheckError(error: unknown): error is LeakcheckError {
  return (
    typeof error === 'object' && error !== null && (error as { [brand]?: unknown })[brand] === true
  )
}

/**
 * Thrown when handles were left open (by a test, a file, or `probe.assertNone()`): `groups` has
 * them by root cause, `leaks` every handle, and the message is the formatted report.
 *
 * @example
 * ```ts
 * try { await probe.assertNone() } catch (error) {
 *   if (error instanceof LeakError) console.error(error.groups.length, 'root causes')
 * }
 * ```
 */
export class LeakError extends LeakcheckError {
  readonly groups: LeakGroup[]
  readonly leaks: OpenHandle[]

  constructor(groups: LeakGroup[], report: string) {
    super('LEAKCHECK_LEAK', report)
    this.name = 'LeakError'
    this.groups = groups
    this.leaks = groups.flatMap((group) => [...group.causes, ...group.members])
  }
}
