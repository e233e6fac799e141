import { Readable } from 'node:stream'
import { invalidArgument, typeOf } from './errors.js'
import type { WireBody } from './transport.js'

/** A request body ready for the transports, and what it implies. */
export interface EncodedBody {
  body: WireBody
  /** False for a stream: it cannot be sent twice (no retry, no 307/308). */
  replayable: boolean
  /** The content-type the body implies (used when the caller set none). */
  contentType: string | undefined
  /** A Blob or FormData: its bytes and type are read just before the first attempt. */
  pending: Blob | FormData | undefined
}

const form = 'application/x-www-form-urlencoded;charset=UTF-8'
const text = 'text/plain;charset=UTF-8'
const json = 'application/json'

/**
 * Turns what a caller passed as `body` into bytes the transports send, the way fetch does for
 * the types fetch takes: bytes (`Uint8Array`, `ArrayBuffer`, `DataView` and other views) as is,
 * `URLSearchParams` form-encoded, `Blob` and `FormData` as fetch serialises them (read before
 * the first attempt, see {@link readPending}), a `Readable` or async iterable streamed (each
 * chunk checked), a string as is in `request()` (`text/plain`). Anything else is JSON, and a
 * value JSON would silently change (a `Map`, a `Set`, a function, a class instance with no
 * data) is FOO_ERR_INVALID_ARGUMENT before anything is sent. `jsonMethod`: the JSON methods
 * send a string as JSON too.
 */
export function encodeBody(input: unknown, jsonMethod: boolean, where: string): EncodedBody {
  if (input instanceof Uint8Array) return bytes(input)
  if (input instanceof ArrayBuffer) return bytes(Buffer.from(input))
  if (ArrayBuffer.isView(input)) {
    return bytes(Buffer.from(input.buffer, input.byteOffset, input.byteLength))
  }
  if (typeof input === 'string' && !jsonMethod) return fixed(input, text)
  if (input instanceof URLSearchParams) return fixed(input.toString(), form)
  if (input instanceof Blob || input instanceof FormData) {
    return { body: undefined, replayable: true, contentType: undefined, pending: input }
  }
  if (input instanceof Readable || isAsyncIterable(input)) {
    return {
      body: Readable.from(checkedChunks(input as AsyncIterable<unknown>)),
      replayable: false,
      contentType: undefined,
      pending: undefined,
    }
  }
  return fixed(toJson(input, where), json)
}

function bytes(body: Uint8Array): EncodedBody {
  return { body, replayable: true, contentType: undefined, pending: undefined }
}

function fixed(body: string, contentType: string): EncodedBody {
  return { body, replayable: true, contentType, pending: undefined }
}

/**
 * The bytes and content-type of a Blob or FormData, exactly as fetch would send them (a
 * FormData's multipart boundary included): read through a `Response`, fetch's own encoder.
 */
export async function readPending(
  pending: Blob | FormData,
): Promise<{ body: Uint8Array; contentType: string | undefined }> {
  const response = new Response(pending)
  const type = response.headers.get('content-type') ?? undefined
  return { body: new Uint8Array(await response.arrayBuffer()), contentType: type }
}

/** A request body stream failed, or yielded something that is not bytes or a string. */
export class RequestBodyFailure extends Error {}

/**
 * The chunks of a caller's stream, checked: bytes and strings pass, anything else (a number,
 * an object) fails the request as the caller's mistake; a failure of the stream itself is
 * marked as the body's, so it never reads as a connection problem.
 */
async function* checkedChunks(source: AsyncIterable<unknown>): AsyncGenerator<Uint8Array> {
  let index = 0
  try {
    for await (const chunk of source) {
      if (chunk instanceof Uint8Array) yield chunk
      else if (typeof chunk === 'string') yield Buffer.from(chunk)
      else {
        throw new RequestBodyFailure(
          `chunk ${index} of the body stream is ${typeOf(chunk)}; a body stream must yield Uint8Array, Buffer or string chunks`,
        )
      }
      index++
    }
  } catch (err) {
    if (err instanceof RequestBodyFailure) throw err
    throw new RequestBodyFailure(
      `the body stream failed after ${index} chunk(s): ${(err as Error)?.message ?? String(err)}`,
      { cause: err },
    )
  }
}

/** The body failure inside `err` (undici and fetch wrap it), if there is one. */
export function requestBodyFailure(err: unknown): RequestBodyFailure | undefined {
  let current = err
  for (let depth = 0; depth < 5 && current != null; depth++) {
    if (current instanceof RequestBodyFailure) return current
    current = (current as { cause?: unknown }).cause
  }
  return undefined
}

function isAsyncIterable(value: unknown): boolean {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { [Symbol.asyncIterator]?: unknown })[Symbol.asyncIterator] === 'function'
  )
}

/**
 * JSON of `value`, refusing what JSON.stringify would silently change: a function or symbol
 * (dropped), and an object that is neither plain nor an array nor has `toJSON` and shows no
 * data (`Map`, `Set`, `RegExp`, `Error`, a `Promise`: sent as `{}`).
 */
function toJson(value: unknown, where: string): string {
  let problem: string | undefined
  let text: string | undefined
  try {
    text = JSON.stringify(value, function (this: unknown, key, item: unknown) {
      if (problem !== undefined) return undefined
      const at = key === '' ? 'body' : `body.${key}`
      if (typeof item === 'function' || typeof item === 'symbol') {
        problem = `${at} is a ${typeof item}, which JSON drops`
      } else if (typeof item === 'object' && item !== null && !Array.isArray(item)) {
        const proto = Object.getPrototypeOf(item)
        if (proto !== Object.prototype && proto !== null && Object.keys(item).length === 0) {
          const name = (item as object).constructor?.name ?? 'object'
          problem = `${at} is a ${name}, which JSON sends as {}`
        }
      }
      return item
    })
  } catch (cause) {
    throw invalidArgument(
      `${where}: body is not JSON-serialisable (${(cause as Error).message}); convert BigInt and cycles first, or send bytes with client.request().`,
      cause,
    )
  }
  if (problem !== undefined) {
    throw invalidArgument(
      `${where}: ${problem}; convert it to plain data first (e.g. Object.fromEntries(map), [...set]), or send bytes, URLSearchParams, FormData or a Blob (nothing was sent).`,
    )
  }
  if (text === undefined) {
    throw invalidArgument(
      `${where}: body (${typeof value}) has no JSON form; pass an object, array, string, number, boolean or null.`,
    )
  }
  return text
}
