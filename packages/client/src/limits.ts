import { invalidArgument, typeOf } from './errors.js'

/** The longest delay Node's timers take (2^31 - 1 ms, ~24.8 days); a longer one fires after 1 ms. */
export const maxTimerMs = 2_147_483_647

/**
 * The one validator for integer options: `value` (or `fallback` when `value` is `undefined` and
 * a fallback is given) if it is an integer from `min` to `max`, else FOO_ERR_INVALID_ARGUMENT
 * naming `name`. `name` may carry its context (`GET /users: timeout`).
 */
export function checkInteger(
  name: string,
  value: unknown,
  fallback: number | undefined,
  min: number,
  max = Number.MAX_SAFE_INTEGER,
): number {
  if (value === undefined && fallback !== undefined) return fallback
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    const got = typeof value === 'number' ? String(value) : typeOf(value)
    const range = max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `from ${min} to ${max}`
    throw invalidArgument(`${name} must be an integer ${range}, got ${got}.`)
  }
  return value
}

/** The one millisecond validator: an integer of ms from `min` to {@link maxTimerMs}. */
export function checkMs(
  name: string,
  value: unknown,
  fallback: number | undefined,
  min: number,
): number {
  return checkInteger(`${name} (ms)`, value, fallback, min, maxTimerMs)
}
