/**
 * `@foo/client`: a base class for REST API clients on undici that closes its own connections.
 *
 * @packageDocumentation
 */

export { ResponseBody } from './body.js'
export {
  Client,
  type ClientResponse,
  type JsonRequestOptions,
  type PaginateOptions,
  type RequestInit,
  type RequestOptions,
} from './client.js'
export { ClientError, type ClientErrorCode, isClientError } from './errors.js'
export { preferFastExit } from './fast-exit.js'
export type { HeaderInput, HeaderValue } from './headers.js'
export type {
  AfterResponseHook,
  BeforeErrorHook,
  BeforeRequestHook,
  BeforeRetryHook,
  HookRequest,
  HookResponse,
  Hooks,
  RetryReason,
} from './hooks.js'
export { HttpError, type HttpErrorDetails, isHttpError } from './http-error.js'
export {
  type GracefulShutdownOptions,
  gracefulShutdown,
} from './lifecycle/graceful.js'
export type { CacheOptions, CacheStore, ClientOptions, RetryOptions } from './options.js'
export type {
  CurrentPage,
  JsonResponse,
  PageRequest,
  PaginationOptions,
} from './paginate.js'
export type { PathParam, Query, QueryValue } from './url.js'
