import zlib from 'node:zlib'
import { startServer } from '@foo/testkit'
import { describe, expect, it, onTestFinished } from 'vitest'
import { Client, ClientError } from '../src/index.js'
import { expectClientError, failOnUnhandledRejections } from './helpers/expect.js'

failOnUnhandledRejections()

const hasZstd = typeof (zlib as { zstdCompressSync?: unknown }).zstdCompressSync === 'function'
const mib = 1024 * 1024

async function serve(
  protocol: 'http' | 'https',
  body: Buffer,
  encoding: string | undefined,
  seen: Array<string | undefined> = [],
) {
  const server = await startServer({
    protocol,
    handler: (req, res) => {
      seen.push(req.headers['accept-encoding'])
      res.setHeader('content-type', 'application/json')
      if (encoding !== undefined) res.setHeader('content-encoding', encoding)
      res.end(body)
    },
  })
  onTestFinished(() => server.close())
  return server
}

function clientFor(server: { origin: string; ca: string | undefined }, extra: object = {}) {
  const client = new Client({
    baseUrl: server.origin,
    ...(server.ca === undefined ? {} : { ca: server.ca }),
    ...extra,
  })
  onTestFinished(() => client.close())
  return client
}

describe.each(['http', 'https'] as const)('compression (%s)', (protocol) => {
  it('asks for what this Node decodes and decodes it for the JSON methods', async () => {
    const seen: Array<string | undefined> = []
    const server = await serve(protocol, zlib.gzipSync('{"ok":true}'), 'gzip', seen)
    const client = clientFor(server)
    expect(await client.get('/')).toEqual({ ok: true })
    expect(seen[0]).toBe(hasZstd ? 'gzip, deflate, br, zstd' : 'gzip, deflate, br')
  })

  it('request() returns decoded bytes without content-encoding and content-length, as fetch', async () => {
    const server = await serve(protocol, zlib.brotliCompressSync('x'.repeat(10_000)), 'br')
    const res = await clientFor(server).request({ method: 'GET', path: '/' })
    expect(res.headers['content-encoding']).toBeUndefined()
    expect(res.headers['content-length']).toBeUndefined()
    expect(await res.body.text()).toBe('x'.repeat(10_000))
  })

  it('decompress: false sends no accept-encoding and returns the raw bytes and headers', async () => {
    const seen: Array<string | undefined> = []
    const raw = zlib.gzipSync('{"ok":true}')
    const server = await serve(protocol, raw, 'gzip', seen)
    const res = await clientFor(server, { decompress: false }).request({ method: 'GET', path: '/' })
    expect(seen[0]).toBeUndefined()
    expect(res.headers['content-encoding']).toBe('gzip')
    expect(Buffer.from(await res.body.bytes())).toEqual(raw)
  })
})

describe('a compression bomb', () => {
  // 64 MiB of zeros gzip to ~64 KiB; maxResponseSize is 1 MiB.
  const bomb = zlib.gzipSync(Buffer.alloc(64 * mib))

  it.each(['json', 'request'] as const)(
    'stops at maxResponseSize of DECODED bytes, memory bounded (%s)',
    async (via) => {
      expect(bomb.length).toBeLessThan(100 * 1024)
      const server = await serve('http', bomb, 'gzip')
      const client = clientFor(server, { maxResponseSize: mib })
      const before = process.memoryUsage()
      const read =
        via === 'json'
          ? client.get('/')
          : client.request({ method: 'GET', path: '/' }).then((res) => res.body.bytes())
      const error = await expectClientError(read, ClientError, 'FOO_ERR_RESPONSE_TOO_LARGE')
      expect(error.message).toContain('exceeds maxResponseSize (1048576 bytes)')
      const after = process.memoryUsage()
      // Decoding all of it would hold 64 MiB at least; bounded decoding holds ~1 MiB.
      const grew = after.arrayBuffers + after.external - (before.arrayBuffers + before.external)
      expect(grew).toBeLessThan(32 * mib)
    },
  )

  it('a corrupt body is FOO_ERR_DECODE, naming the way out', async () => {
    const server = await serve('http', Buffer.from('not gzip'), 'gzip')
    const error = await expectClientError(clientFor(server).get('/'), ClientError, 'FOO_ERR_DECODE')
    expect(error.message).toMatch(/could not be decoded .*decompress: false/)
  })

  it('more than five codings is refused', async () => {
    const server = await serve('http', Buffer.from('x'), 'gzip, gzip, gzip, gzip, gzip, gzip')
    await expectClientError(clientFor(server).get('/'), ClientError, 'FOO_ERR_DECODE')
  })
})
