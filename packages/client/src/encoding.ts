import { pipeline, Readable, type Transform } from 'node:stream'
import zlib from 'node:zlib'
import { ClientError } from './errors.js'

type Decoder = () => Transform

// Lenient at the end of the stream, as fetch and curl are: a body cut after its last complete
// block still yields what it holds (a truncated body is reported by the transport, not here).
const lenient = { flush: zlib.constants.Z_SYNC_FLUSH, finishFlush: zlib.constants.Z_SYNC_FLUSH }

/** What the running Node can decode, by `content-encoding` token. */
const decoders = new Map<string, Decoder>([
  ['gzip', () => zlib.createGunzip(lenient)],
  ['x-gzip', () => zlib.createGunzip(lenient)],
  // RFC 9110's deflate is zlib-wrapped; raw deflate (a few old servers) fails as FOO_ERR_DECODE.
  ['deflate', () => zlib.createInflate(lenient)],
  ['br', () => zlib.createBrotliDecompress()],
])
const zstd = (zlib as { createZstdDecompress?: () => Transform }).createZstdDecompress
if (typeof zstd === 'function') decoders.set('zstd', () => zstd())

/** The `accept-encoding` the client sends: every coding this Node decodes (zstd on 22.15+). */
export const acceptEncoding: string =
  typeof zstd === 'function' ? 'gzip, deflate, br, zstd' : 'gzip, deflate, br'

/** Codings @mswjs/interceptors (nock 14, msw 2) decode itself in a mocked fetch response. */
const decodedByFetchMocks = new Set(['gzip', 'x-gzip', 'deflate', 'br'])

// Like fetch and undici: more codings than this is an attack, not a response.
const maxCodings = 5

/** Statuses and methods whose response has no body to decode. */
function hasNoBody(method: string, status: number): boolean {
  return method === 'HEAD' || status === 204 || status === 304 || status < 200
}

/** A response as decoding sees it. */
export interface EncodedResponse {
  statusCode: number
  headers: Record<string, string | string[]>
  body: Readable
}

/** The `content-encoding` codings in the order to undo them (last applied first), lower-cased. */
function codingsOf(value: string | string[] | undefined): string[] {
  if (value === undefined) return []
  const text = Array.isArray(value) ? value.join(',') : value
  const codings: string[] = []
  for (const part of text.split(',')) {
    const coding = part.trim().toLowerCase()
    if (coding !== '' && coding !== 'identity') codings.push(coding)
  }
  return codings.reverse()
}

/**
 * Decodes a response body as fetch does: the body becomes the decoded bytes and
 * `content-encoding` and `content-length` are removed (they described the encoded bytes). A
 * coding this Node cannot decode leaves the response as it came, headers included. Nothing is
 * buffered: the decoders stream, and the reader counts decoded bytes against maxResponseSize,
 * so a small body that inflates without end stops at the limit. `label` names the call in errors.
 *
 * `mockDecoded`: the body is a mocked fetch response that the mocking library already decoded
 * where it could; only the codings it leaves are decoded here.
 */
export function decodeResponse(
  response: EncodedResponse,
  method: string,
  label: string,
  mockDecoded = false,
): EncodedResponse {
  const headers = response.headers
  const encoding = headers['content-encoding']
  if (hasNoBody(method, response.statusCode)) {
    if (!mockDecoded) return response
    // A mocked HEAD or 204 may still carry a stream (nock 14 tries to gunzip an empty HEAD
    // body and fails); there is no body to read, as on the network. Drained, not cancelled:
    // cancelling rejects a promise inside the mocking library that nobody handles.
    response.body.on('error', ignore).resume()
    return { statusCode: response.statusCode, headers, body: Readable.from([]) }
  }
  if (encoding === undefined) return response
  let codings = codingsOf(encoding)
  if (codings.length > maxCodings) {
    throw new ClientError(
      'FOO_ERR_DECODE',
      `${label}: the response lists ${codings.length} content-encodings (at most ${maxCodings} are decoded); the server is misconfigured or hostile.`,
    )
  }
  if (mockDecoded && codings.every((coding) => decodedByFetchMocks.has(coding))) codings = []
  const streams: Transform[] = []
  for (const coding of codings) {
    const create = decoders.get(coding)
    if (create === undefined) return response // as fetch: an unknown coding is passed on as is
    streams.push(create())
  }
  const { 'content-encoding': _, 'content-length': __, ...rest } = headers
  if (streams.length === 0)
    return { statusCode: response.statusCode, headers: rest, body: response.body }
  const decoded = (
    pipeline as (...streams: Array<Readable | Transform | ((err: unknown) => void)>) => Readable
  )(response.body, ...streams, ignore)
  return { statusCode: response.statusCode, headers: rest, body: decoded }
}

function ignore(): void {}

// zlib's codes (Z_DATA_ERROR...), brotli's (ERR__ERROR_FORMAT_...) and zstd's.
const decoderCodes = /^(Z_|ERR_BROTLI|ERR__ERROR|ERR_ZSTD|ZSTD_)/

/**
 * True for an error a decoder raised: ours, or the one a mocking library's fetch used to
 * decode a mocked body (the same zlib errors), so both map to the same code.
 */
export function isDecodeError(err: unknown): err is Error & { code: string } {
  const code = (err as { code?: unknown } | null)?.code
  return typeof code === 'string' && decoderCodes.test(code)
}
