import type { Readable } from 'node:stream'
import { ClientError, invalidArgument } from './errors.js'

/** What a body reports back to the request it belongs to. */
export interface BodyOwner {
  /** Turns a stream error into the typed error to throw (truncated, timeout, abort...). */
  bodyError(err: unknown): ClientError
  /** Someone started reading the body: it is in flight now, no longer "unread". */
  bodyStarted(): void
  /** The body is consumed, dumped or failed: stop the timer, forget it. */
  bodyDone(): void
  /** `GET https://...` for messages. */
  readonly label: string
}

type Dumpable = Readable & { dump?: (opts?: { limit?: number }) => Promise<void> }

/** How long a body we do not need may take to drain before its connection is destroyed. */
export const drainDeadlineMs = 1_000

/**
 * Discards a body without reading it into memory: undici's `dump()` reads up to 128 KiB to keep
 * the socket reusable and otherwise destroys it; any other stream is destroyed.
 */
export function dumpBody(body: Readable): void {
  const dumpable = body as Dumpable
  if (typeof dumpable.dump === 'function') dumpable.dump().catch(ignore)
  else discard(body)
}

/**
 * Discards a body we do not need (a redirect's, a retried 503's) and resolves once it is gone:
 * drained for reuse when that is quick, else destroyed with its connection after `deadlineMs`.
 * A body that trickles must never hold a call, `close()` or the process: nothing reads it.
 */
export function drain(body: Readable, deadlineMs: number): Promise<void> {
  if (body.destroyed) return Promise.resolve()
  return new Promise<void>((resolve) => {
    const timer = setTimeout(discard, deadlineMs, body)
    timer.unref()
    body.once('close', () => {
      clearTimeout(timer)
      resolve()
    })
    dumpBody(body)
  })
}

/**
 * Destroys a body without an 'error' nobody listens to (undici's body turns a plain
 * `destroy()` into a RequestAbortedError, which would otherwise be an uncaught exception).
 */
export function discard(body: Readable): void {
  if (body.destroyed) return
  body.on('error', ignore)
  body.destroy()
}

function ignore(): void {}

function tooLarge(label: string, limit: number, size: number | undefined): ClientError {
  return new ClientError(
    'FOO_ERR_RESPONSE_TOO_LARGE',
    `${label}: the response body${size === undefined ? '' : ` (${size} bytes)`} exceeds maxResponseSize (${limit} bytes); raise maxResponseSize or stream it with client.request().`,
  )
}

/**
 * Reads the whole body as text, enforcing `limit`: Content-Length is checked first, then bytes
 * are counted as they arrive. On any failure the body is destroyed and a typed error thrown.
 */
export async function readText(
  body: Readable,
  contentLength: string | string[] | undefined,
  limit: number,
  owner: BodyOwner,
): Promise<string> {
  const declared = typeof contentLength === 'string' ? Number(contentLength) : Number.NaN
  if (declared > limit) {
    dumpBody(body)
    throw tooLarge(owner.label, limit, declared)
  }
  try {
    // undici rejects a body that does not match its Content-Length, so a declared length
    // within the limit needs no counting: take undici's own fast text().
    const fast = (body as Readable & { text?: () => Promise<string> }).text
    if (declared >= 0 && typeof fast === 'function') return await fast.call(body)
    const chunks: Buffer[] = []
    let size = 0
    for await (const chunk of body) {
      size += (chunk as Buffer).length
      if (size > limit) {
        discard(body)
        throw tooLarge(owner.label, limit, undefined)
      }
      chunks.push(chunk as Buffer)
    }
    return chunks.length === 1
      ? (chunks[0] as Buffer).toString('utf8')
      : Buffer.concat(chunks, size).toString('utf8')
  } catch (err) {
    discard(body)
    throw owner.bodyError(err)
  }
}

/** Reads at most `max` bytes as text for an error report, then dumps the rest. Never throws. */
export async function readSnippet(body: Readable, max: number): Promise<string> {
  const chunks: Buffer[] = []
  let size = 0
  try {
    for await (const chunk of body) {
      chunks.push(chunk as Buffer)
      size += (chunk as Buffer).length
      if (size >= max) break
    }
  } catch {
    // A broken error body still yields the error we are building.
  }
  discard(body)
  return Buffer.concat(chunks, size).subarray(0, max).toString('utf8')
}

/**
 * The body of a {@link Client.request} response: read it once, as text, JSON, bytes or by
 * iterating its chunks. `maxResponseSize` applies while streaming. A body nobody reads is
 * dumped when the client closes.
 *
 * @example
 * ```ts
 * const { status, body } = await client.request({ method: 'GET', path: '/report.csv' })
 * for await (const chunk of body) process.stdout.write(chunk)
 * ```
 */
export class ResponseBody implements AsyncIterable<Uint8Array> {
  readonly #stream: Readable
  readonly #limit: number
  readonly #owner: BodyOwner
  /** The client, kept alive while this body is unread: its finalizer must not discard it. */
  // biome-ignore lint/correctness/noUnusedPrivateClassMembers: held, never read: a strong reference is the point
  #client: object | undefined
  #used = false

  /**
   * Created by the client for {@link Client.request}; not for direct use.
   *
   * @example
   * ```ts
   * const { body } = await client.request({ method: 'GET', path: '/file' }) // body: ResponseBody
   * ```
   */
  constructor(stream: Readable, limit: number, owner: BodyOwner, client: object) {
    this.#stream = stream
    this.#limit = limit
    this.#owner = owner
    this.#client = client
  }

  /**
   * True once the body was read, iterated or dumped.
   *
   * @example
   * ```ts
   * if (!res.body.bodyUsed) await res.body.dump()
   * ```
   */
  get bodyUsed(): boolean {
    return this.#used
  }

  /**
   * Iterates the raw chunks; throws FOO_ERR_RESPONSE_TOO_LARGE past `maxResponseSize`.
   *
   * @example
   * ```ts
   * for await (const chunk of res.body) hash.update(chunk)
   * ```
   */
  async *[Symbol.asyncIterator](): AsyncGenerator<Uint8Array, void, undefined> {
    const stream = this.#take()
    let size = 0
    try {
      for await (const chunk of stream) {
        size += (chunk as Buffer).length
        if (size > this.#limit) throw tooLarge(this.#owner.label, this.#limit, undefined)
        yield chunk as Buffer
      }
    } catch (err) {
      discard(stream)
      throw err instanceof ClientError ? err : this.#owner.bodyError(err)
    } finally {
      // An early `break` lands here too: nothing else will read the rest.
      if (!stream.readableEnded) discard(stream)
      this.#owner.bodyDone()
    }
  }

  /**
   * The whole body as bytes.
   *
   * @example
   * ```ts
   * const png = await res.body.bytes()
   * ```
   */
  async bytes(): Promise<Uint8Array> {
    const chunks: Uint8Array[] = []
    let size = 0
    for await (const chunk of this) {
      chunks.push(chunk)
      size += chunk.length
    }
    return Buffer.concat(chunks, size)
  }

  /**
   * The whole body as an ArrayBuffer.
   *
   * @example
   * ```ts
   * const buffer = await res.body.arrayBuffer()
   * ```
   */
  async arrayBuffer(): Promise<ArrayBuffer> {
    const bytes = await this.bytes()
    return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer
  }

  /**
   * The whole body decoded as UTF-8.
   *
   * @example
   * ```ts
   * const csv = await res.body.text()
   * ```
   */
  async text(): Promise<string> {
    const bytes = await this.bytes()
    // A view over the same memory: no second copy of the body.
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8')
  }

  /**
   * The body parsed as JSON (`undefined` when empty); FOO_ERR_INVALID_JSON otherwise.
   *
   * @example
   * ```ts
   * const user = await res.body.json<User>()
   * ```
   */
  async json<T = unknown>(): Promise<T> {
    return parseJson<T>(await this.text(), this.#owner.label)
  }

  /**
   * Discards the body so its connection can be reused or closed.
   *
   * @example
   * ```ts
   * if (res.status !== 200) await res.body.dump()
   * ```
   */
  async dump(): Promise<void> {
    if (this.#used) return
    const stream = this.#take()
    dumpBody(stream)
    this.#owner.bodyDone()
  }

  #take(): Readable {
    if (this.#used) {
      throw invalidArgument(
        `${this.#owner.label}: the response body was already read; read it once (e.g. keep the result of text()).`,
      )
    }
    this.#used = true
    this.#client = undefined
    this.#owner.bodyStarted()
    return this.#stream
  }
}

/** Parses JSON text; `''` gives `undefined`; failures are FOO_ERR_INVALID_JSON with a snippet. */
export function parseJson<T>(text: string, label: string): T {
  if (text === '') return undefined as T
  try {
    return JSON.parse(text) as T
  } catch (cause) {
    const snippet = text.length > 200 ? `${text.slice(0, 200)}…` : text
    throw new ClientError(
      'FOO_ERR_INVALID_JSON',
      `${label}: expected a JSON body but got ${JSON.stringify(snippet)} (${text.length} chars); use client.request() for non-JSON responses.`,
      { cause },
    )
  }
}
