import { afterAll, afterEach, beforeAll, expect } from 'vitest'
import { type ClientError, type ClientErrorCode, isClientError } from '../../src/index.js'

/**
 * Collects unhandled rejections for the whole file and fails the test during which one
 * happened. Call once at the top of a test file.
 */
export function failOnUnhandledRejections(): void {
  const seen: unknown[] = []
  const onRejection = (reason: unknown) => {
    seen.push(reason)
  }
  beforeAll(() => {
    process.on('unhandledRejection', onRejection)
  })
  afterEach(async () => {
    // Let a late rejection surface: two macrotask turns.
    await new Promise((resolve) => setImmediate(resolve))
    await new Promise((resolve) => setImmediate(resolve))
    expect(seen.splice(0), 'unhandled rejections during the test').toEqual([])
  })
  afterAll(() => {
    process.off('unhandledRejection', onRejection)
  })
}

/** Awaits `promise`, expects it to reject with a ClientError of class `type` and `code`. */
export async function expectClientError<E extends ClientError>(
  promise: Promise<unknown>,
  type: abstract new (...args: never[]) => E,
  code: ClientErrorCode,
): Promise<E> {
  let error: unknown
  let settled = false
  try {
    await promise
    settled = true
  } catch (err) {
    error = err
  }
  expect(settled, `expected a rejection with ${code}`).toBe(false)
  expect(isClientError(error)).toBe(true)
  expect(error).toBeInstanceOf(type)
  expect((error as E).code).toBe(code)
  return error as E
}

/** Runs `fn`, expects it to throw synchronously (or reject) a ClientError with `code`. */
export async function expectThrows<E extends ClientError>(
  fn: () => unknown,
  type: abstract new (...args: never[]) => E,
  code: ClientErrorCode,
): Promise<E> {
  return expectClientError(
    (async () => {
      await fn()
    })(),
    type,
    code,
  )
}
