import { Readable } from 'node:stream'
import { startServer } from '@foo/testkit'
import { describe, expect, it, onTestFinished } from 'vitest'
import { Client, ClientError } from '../src/index.js'
import { expectClientError, failOnUnhandledRejections } from './helpers/expect.js'

failOnUnhandledRejections()

interface Received {
  type: string | undefined
  length: string | undefined
  body: string
}

async function echo() {
  const received: Received[] = []
  const server = await startServer({
    handler: (req, res) => {
      const chunks: Buffer[] = []
      req.on('data', (c: Buffer) => chunks.push(c))
      req.on('end', () => {
        received.push({
          type: req.headers['content-type'],
          length: req.headers['content-length'],
          body: Buffer.concat(chunks).toString('latin1'),
        })
        res.end('{}')
      })
    },
  })
  onTestFinished(() => server.close())
  const client = new Client({ baseUrl: server.origin })
  onTestFinished(() => client.close())
  return { client, received, server }
}

describe('request bodies, as fetch sends them', () => {
  it('URLSearchParams form-encoded, DataView and ArrayBuffer as bytes', async () => {
    const { client, received } = await echo()
    await client.post('/', { body: new URLSearchParams({ q: 'a b', n: '1' }) })
    await client.put('/', { body: new DataView(new Uint8Array([0, 1, 2, 3]).buffer, 1, 2) })
    await client.put('/', { body: new Uint16Array([0x4241]).buffer })
    expect(received).toEqual([
      { type: 'application/x-www-form-urlencoded;charset=UTF-8', length: '9', body: 'q=a+b&n=1' },
      { type: undefined, length: '2', body: '\x01\x02' },
      { type: undefined, length: '2', body: 'AB' },
    ])
  })

  it('FormData as multipart and a Blob with its type, byte for byte what fetch sends', async () => {
    const { client, received, server } = await echo()
    const form = new FormData()
    form.set('name', 'Ada')
    form.set('file', new Blob(['hello'], { type: 'text/plain' }), 'a.txt')
    await client.post('/', { body: form })
    await client.post('/', {
      body: new Blob(['{"a":1}'], { type: 'application/merge-patch+json' }),
    })
    await fetch(server.origin, { method: 'POST', body: form })
    const [ours, blob, theirs] = received
    const boundary = (r: Received | undefined) =>
      /boundary=(.+)$/.exec(r?.type ?? '')?.[1] ?? 'none'
    expect(ours?.type).toMatch(/^multipart\/form-data; boundary=/)
    expect(ours?.body.replaceAll(boundary(ours), 'B')).toBe(
      theirs?.body.replaceAll(boundary(theirs), 'B'),
    )
    expect(ours?.length).toBe(String(ours?.body.length))
    expect(blob).toEqual({ type: 'application/merge-patch+json', length: '7', body: '{"a":1}' })
  })

  it.each([
    ['a Map', () => new Map([['a', 1]]), /body is a Map, which JSON sends as \{\}/],
    ['a Set inside', () => ({ tags: new Set(['a']) }), /body.tags is a Set/],
    ['a function inside', () => ({ fn: () => 1 }), /body.fn is a function/],
    ['a BigInt', () => ({ n: 1n }), /not JSON-serialisable/],
  ])('%s is FOO_ERR_INVALID_ARGUMENT before a byte is sent', async (_name, body, message) => {
    const { client, server } = await echo()
    const error = await expectClientError(
      client.post('/', { body: body() }),
      ClientError,
      'FOO_ERR_INVALID_ARGUMENT',
    )
    expect(error.message).toMatch(message)
    expect(server.accepted()).toBe(0)
  })

  it.each(['content-length', 'transfer-encoding', 'expect', 'host', 'connection'])(
    'the managed header %s is refused with the reason',
    async (name) => {
      const { client, server } = await echo()
      const error = await expectClientError(
        client.post('/', {
          body: 'x',
          headers: { [name]: name === 'expect' ? '100-continue' : '1' },
        }),
        ClientError,
        'FOO_ERR_INVALID_ARGUMENT',
      )
      expect(error.message).toContain(`the ${name} header is managed by the client (`)
      expect(() => new Client({ baseUrl: server.origin, headers: { [name]: '1' } })).toThrow(
        /managed by the client/,
      )
      expect(server.accepted()).toBe(0)
    },
  )

  it('a body stream that fails is FOO_ERR_REQUEST_BODY with its cause, never FOO_ERR_CONNECTION', async () => {
    const { client } = await echo()
    const boom = new Error('disk gone')
    const failing = new Readable({
      read() {
        this.push('part')
        this.destroy(boom)
      },
    })
    const error = await expectClientError(
      client.request({ method: 'POST', path: '/', body: failing }),
      ClientError,
      'FOO_ERR_REQUEST_BODY',
    )
    expect(error.message).toContain('disk gone')
    expect((error.cause as Error).message).toBe('disk gone')
  })

  it('an async iterable yielding a number is FOO_ERR_REQUEST_BODY naming the chunk', async () => {
    const { client } = await echo()
    async function* chunks() {
      yield 'ok'
      yield 42
    }
    const error = await expectClientError(
      client.request({ method: 'POST', path: '/', body: chunks() }),
      ClientError,
      'FOO_ERR_REQUEST_BODY',
    )
    expect(error.message).toContain('chunk 1 of the body stream is number')
  })

  it('a string body in request() is text/plain, as fetch sends it', async () => {
    const { client, received } = await echo()
    await client.request({ method: 'POST', path: '/', body: 'hi' })
    expect(received[0]?.type).toBe('text/plain;charset=UTF-8')
  })
})
