import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'

/** Every stable error code of the contract; anything else is an untyped failure. */
export const KNOWN_CODES = new Set([
  'FOO_ERR_INVALID_ARGUMENT',
  'FOO_ERR_HTTP',
  'FOO_ERR_TIMEOUT',
  'FOO_ERR_ABORTED',
  'FOO_ERR_CLOSED',
  'FOO_ERR_DESTROYED',
  'FOO_ERR_CONNECTION',
  'FOO_ERR_INVALID_JSON',
  'FOO_ERR_RESPONSE_TOO_LARGE',
  'FOO_ERR_TRUNCATED_BODY',
  'FOO_ERR_REDIRECT',
  'FOO_ERR_TLS',
])

/** A working `gc()` without `--expose-gc` (see design.md). */
export function gc(): () => void {
  setFlagsFromString('--expose-gc')
  return runInNewContext('gc') as () => void
}

/** Polls until `check` holds, or throws after `timeoutMs` with `what` in the message. */
export async function waitFor(
  what: string,
  check: () => boolean | Promise<boolean>,
  timeoutMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await check())) {
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}

/** Open TCP handles this process holds (ref'd only; idle keep-alive sockets are unref'd). */
export function activeSockets(): number {
  return process
    .getActiveResourcesInfo()
    .filter((type) => type === 'TCPSocketWrap' || type === 'TLSWrap' || type === 'TCPWRAP').length
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}
