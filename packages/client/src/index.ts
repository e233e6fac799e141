/**
 * `@foo/client`: a base class for REST API clients on undici that closes its own connections.
 *
 * @packageDocumentation
 */

export { ResponseBody } from './body.js'
export { Client, type ClientResponse, type RequestInit, type RequestOptions } from './client.js'
export { ClientError, type ClientErrorCode, isClientError } from './errors.js'
export { preferFastExit } from './fast-exit.js'
export type { HeaderInput } from './headers.js'
export { HttpError, type HttpErrorDetails } from './http-error.js'
export {
  type GracefulShutdownOptions,
  gracefulShutdown,
} from './lifecycle/graceful.js'
export type { ClientOptions, RetryOptions } from './options.js'
export type { PathParam, Query, QueryValue } from './url.js'
