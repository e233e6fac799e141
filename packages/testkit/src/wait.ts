/** Thrown by {@link waitFor} when its condition did not hold before the deadline. */
export class WaitTimeoutError extends Error {
  readonly code = 'TESTKIT_ERR_WAIT_TIMEOUT'
  override readonly name = 'WaitTimeoutError'
}

/**
 * Polls `check` until it holds, or throws a {@link WaitTimeoutError} naming `what` after
 * `timeoutMs`: the way to wait for something to happen, instead of sleeping a fixed time.
 *
 * @example
 * ```ts
 * await waitFor('no connection left', () => server.connections.size === 0)
 * ```
 */
export async function waitFor(
  what: string,
  check: () => boolean | Promise<boolean>,
  timeoutMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await check())) {
    if (Date.now() > deadline) {
      throw new WaitTimeoutError(`timed out after ${timeoutMs} ms waiting for ${what}`)
    }
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}
