import { ClientError, invalidArgument, typeOf } from './errors.js'
import { checkInteger } from './limits.js'
import type { Query } from './url.js'

/** A JSON response with its status line: what `{ withResponse: true }` and pages resolve to. */
export interface JsonResponse<T> {
  data: T
  status: number
  headers: Record<string, string | string[]>
}

/** Where the next page is: a new query (merged over the current one), path, or both. */
export interface PageRequest {
  /** A path as `get()` takes it (placeholders filled from the call's `params`). */
  path?: string
  /** Merged over the current page's query: `{ cursor: 'abc' }`, `{ offset: 200 }`. */
  query?: Record<string, unknown>
}

/** The page a `next` function is asked about. */
export interface CurrentPage {
  readonly path: string
  /** The query of the page just fetched (an object; `URLSearchParams` given are converted). */
  readonly query: Record<string, unknown>
  /** 0 for the first page. */
  readonly index: number
}

/** How `paginate()` walks the pages and what it yields of each. */
export interface PaginationOptions<T> {
  /**
   * The items of a page; default: the page's `data` when it is an array (anything else is
   * FOO_ERR_INVALID_ARGUMENT asking for this function).
   */
  items?: (page: JsonResponse<unknown>) => readonly T[]
  /**
   * Where the next page is, or `undefined` at the end. Default: the `Link` header's
   * `rel="next"` (RFC 8288). Return a {@link PageRequest} for cursor or offset APIs, or a URL.
   */
  next?: (
    page: JsonResponse<unknown>,
    current: CurrentPage,
  ) => PageRequest | string | URL | undefined | Promise<PageRequest | string | URL | undefined>
  /** Stops after this many pages; default 100. */
  maxPages?: number
}

/** The parts of a `paginate()` call checked at the door. */
export interface ResolvedPagination<T> {
  items: ((page: JsonResponse<unknown>) => readonly T[]) | undefined
  next: NonNullable<PaginationOptions<T>['next']>
  maxPages: number
}

/** Validates pagination options (FOO_ERR_INVALID_ARGUMENT, nothing sent). */
export function resolvePagination<T>(
  options: PaginationOptions<T> | undefined,
  where: string,
): ResolvedPagination<T> {
  const items = options?.items
  const next = options?.next
  if (items !== undefined && typeof items !== 'function') {
    throw invalidArgument(`${where}: items must be a function (page) => T[], got ${typeOf(items)}.`)
  }
  if (next !== undefined && typeof next !== 'function') {
    throw invalidArgument(
      `${where}: next must be a function (page, current) => { query } | url | undefined, got ${typeOf(next)}.`,
    )
  }
  return {
    items,
    next: next ?? linkNext,
    maxPages: checkInteger(`${where}: maxPages`, options?.maxPages, 100, 1),
  }
}

/** The default `next`: the URL of the `Link` header's `rel="next"`, if any. */
export function linkNext(page: JsonResponse<unknown>): string | undefined {
  const link = page.headers.link
  if (link === undefined) return undefined
  for (const value of Array.isArray(link) ? link : [link]) {
    const found = relNext(value)
    if (found !== undefined) return found
  }
  return undefined
}

/** `<https://…?page=2>; rel="next", <…>; rel="last"`: the target whose rel list has `next`. */
function relNext(value: string): string | undefined {
  for (const match of value.matchAll(/<([^>]*)>((?:\s*;\s*[^;,]+)*)/g)) {
    const params = match[2] ?? ''
    const rel = /;\s*rel\s*=\s*(?:"([^"]*)"|([^\s;,]+))/i.exec(params)
    const rels = (rel?.[1] ?? rel?.[2] ?? '').toLowerCase().split(/\s+/)
    if (rels.includes('next')) return match[1]
  }
  return undefined
}

/** The items of a page: `items(page)`, or `data` when it is an array. */
export function pageItems<T>(
  page: JsonResponse<unknown>,
  items: ResolvedPagination<T>['items'],
  label: string,
): readonly T[] {
  const found = items === undefined ? page.data : items(page)
  if (!Array.isArray(found)) {
    throw invalidArgument(
      `${label}: a page's items must be an array, got ${typeOf(found)}; pass { items: (page) => page.data.results } to paginate(), or use pages().`,
    )
  }
  return found as readonly T[]
}

/**
 * The path and query of a next-page URL, which must stay on the client's origin: credentials
 * are sent with every page, so a `Link` elsewhere is refused (FOO_ERR_REDIRECT).
 */
export function sameOriginTarget(
  next: string | URL,
  current: string,
  origin: string,
  label: string,
): string {
  let url: URL
  try {
    url = new URL(next, current)
  } catch (cause) {
    throw new ClientError('FOO_ERR_REDIRECT', `${label}: the next page's URL is not a URL.`, {
      cause,
    })
  }
  if (url.origin !== origin) {
    throw new ClientError(
      'FOO_ERR_REDIRECT',
      `${label}: the next page is on another origin (${url.origin}); pagination stays on ${origin} so your credentials are never sent elsewhere. Pass next: to follow it yourself.`,
    )
  }
  return url.pathname + url.search
}

/** A query as a plain object, so a next page's query can be merged over it. */
export function queryObject(query: Query | undefined): Record<string, unknown> {
  if (query === undefined) return {}
  if (!(query instanceof URLSearchParams)) return { ...query }
  const out: Record<string, string | string[]> = {}
  for (const key of new Set(query.keys())) {
    const all = query.getAll(key)
    out[key] = all.length === 1 ? (all[0] as string) : all
  }
  return out
}
