import type { ClientErrorCode } from '@foo/client'

// Keyed by the source's own union: the compiler rejects a code missing here or one it lacks.
const CODES: Record<ClientErrorCode, true> = {
  FOO_ERR_INVALID_ARGUMENT: true,
  FOO_ERR_HTTP: true,
  FOO_ERR_TIMEOUT: true,
  FOO_ERR_ABORTED: true,
  FOO_ERR_CLOSED: true,
  FOO_ERR_DESTROYED: true,
  FOO_ERR_CONNECTION: true,
  FOO_ERR_INVALID_JSON: true,
  FOO_ERR_RESPONSE_TOO_LARGE: true,
  FOO_ERR_TRUNCATED_BODY: true,
  FOO_ERR_REDIRECT: true,
  FOO_ERR_TLS: true,
  FOO_ERR_DECODE: true,
  FOO_ERR_REQUEST_BODY: true,
  FOO_ERR_HOOK: true,
}

/** Every stable error code of the contract (`ClientErrorCode`); anything else is untyped. */
export const KNOWN_CODES: ReadonlySet<string> = new Set(Object.keys(CODES))

/** Open TCP handles this process holds (ref'd only; idle keep-alive sockets are unref'd). */
export function activeSockets(): number {
  return process
    .getActiveResourcesInfo()
    .filter((type) => type === 'TCPSocketWrap' || type === 'TLSWrap' || type === 'TCPWRAP').length
}
