import { startServer, type TestServer } from '@foo/testkit'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Client, ClientError } from '../src/index.js'
import { expandPath, serializeQuery } from '../src/url.js'
import { expectClientError, expectThrows, failOnUnhandledRejections } from './helpers/expect.js'

failOnUnhandledRejections()

let server: TestServer
let client: Client
let requests = 0

beforeAll(async () => {
  server = await startServer({
    handler: (req, res) => {
      requests++
      res.setHeader('content-type', 'application/json')
      res.end(JSON.stringify({ url: req.url }))
    },
  })
  client = new Client({ baseUrl: `${server.origin}/api/v2` })
})

afterAll(async () => {
  await client.close()
  await server.close()
})

const seenUrl = async (path: string, params?: Record<string, string | number>) =>
  (await client.get<{ url: string }>(path, params === undefined ? {} : { params })).url

describe('path templates on the wire', () => {
  it.each([
    ['a/b', '/api/v2/users/a%2Fb/posts'],
    ['../../admin', '/api/v2/users/..%2F..%2Fadmin/posts'],
    ['?x=1', '/api/v2/users/%3Fx%3D1/posts'],
    ['#frag', '/api/v2/users/%23frag/posts'],
    ['%2e%2e', '/api/v2/users/%252e%252e/posts'],
    ['a b', '/api/v2/users/a%20b/posts'],
    ['ünï', '/api/v2/users/%C3%BCn%C3%AF/posts'],
    ['...', '/api/v2/users/.../posts'],
    [42, '/api/v2/users/42/posts'],
  ])('param %j stays in its segment', async (id, expected) => {
    expect(await seenUrl('/users/{id}/posts', { id })).toBe(expected)
  })

  it('allows a dot segment value inside a larger segment', async () => {
    expect(await seenUrl('/files/{name}.json', { name: '..' })).toBe('/api/v2/files/...json')
  })

  it('fills several placeholders', async () => {
    expect(await seenUrl('/orgs/{org}/repos/{repo}', { org: 'a', repo: 'b/c' })).toBe(
      '/api/v2/orgs/a/repos/b%2Fc',
    )
  })

  it('sends a literal path untouched', async () => {
    expect(await seenUrl('/health')).toBe('/api/v2/health')
  })
})

describe('path templates reject what cannot stay in a segment', () => {
  it.each(['.', '..'])('rejects %j as a whole segment before sending', async (id) => {
    const before = requests
    const error = await expectThrows(
      () => client.get('/users/{id}', { params: { id } }),
      ClientError,
      'FOO_ERR_INVALID_ARGUMENT',
    )
    expect(error.message).toContain('dot segment')
    expect(requests).toBe(before)
  })

  it('rejects a missing param, naming it', async () => {
    const error = await expectClientError(
      client.get('/users/{id}', { params: {} }),
      ClientError,
      'FOO_ERR_INVALID_ARGUMENT',
    )
    expect(error.message).toContain('params.id')
  })

  it('rejects a template with no params at all', async () => {
    await expectClientError(client.get('/users/{id}'), ClientError, 'FOO_ERR_INVALID_ARGUMENT')
  })

  it('rejects an extra param', async () => {
    const error = await expectClientError(
      client.get('/users/{id}', { params: { id: '1', other: '2' } }),
      ClientError,
      'FOO_ERR_INVALID_ARGUMENT',
    )
    expect(error.message).toContain('params.other')
  })

  it.each([
    ['empty string', ''],
    ['object', {}],
    ['NaN', Number.NaN],
    ['lone surrogate', '\uD800'],
  ])('rejects a %s param', async (_name, id) => {
    await expectClientError(
      client.get('/users/{id}', { params: { id: id as string } }),
      ClientError,
      'FOO_ERR_INVALID_ARGUMENT',
    )
  })

  it.each(['users', 'https://evil.example/x', '/search?q=1', '/a#b', '/a b', '/users/{1d}'])(
    'rejects the path %j',
    async (path) => {
      await expectClientError(client.get(path), ClientError, 'FOO_ERR_INVALID_ARGUMENT')
    },
  )

  it.each(['/a/../b', '/a/./b', '/..', '/a/..', '/{id}/../x'])(
    'rejects the dot segment in the literal path %j',
    async (path) => {
      const error = await expectClientError(
        client.get(path, path.includes('{') ? { params: { id: 1 } } : {}),
        ClientError,
        'FOO_ERR_INVALID_ARGUMENT',
      )
      expect(error.message).toContain('segment')
    },
  )

  it('percent-encodes non-ASCII and quotes in a literal path, as the URL parser would', async () => {
    expect(await seenUrl('/caf\u00e9/"x"/<y>')).toBe('/api/v2/caf%C3%A9/%22x%22/%3Cy%3E')
  })

  it('keeps a percent-escape the caller wrote in a literal path', async () => {
    expect(await seenUrl('/a%20b')).toBe('/api/v2/a%20b')
  })

  it('keeps a protocol-relative looking path on the base origin', async () => {
    expect(await seenUrl('//evil.example/x')).toBe('/api/v2//evil.example/x')
  })
})

describe('expandPath', () => {
  it('encodes each param with encodeURIComponent', () => {
    expect(expandPath('/a/{x}', { x: '/?#%' })).toBe('/a/%2F%3F%23%25')
  })
  it('accepts bigint and boolean', () => {
    expect(expandPath('/a/{x}/{y}', { x: 10n, y: true })).toBe('/a/10/true')
  })
})

describe('query serialisation', () => {
  it('repeats array keys, drops undefined, sends null as empty, Date as ISO', () => {
    const date = new Date('2026-01-02T03:04:05.000Z')
    expect(
      serializeQuery({
        tag: ['a', 'b c'],
        skip: undefined,
        empty: null,
        since: date,
        n: 1,
        ok: false,
      }),
    ).toBe('?tag=a&tag=b%20c&empty=&since=2026-01-02T03%3A04%3A05.000Z&n=1&ok=false')
  })

  it('encodes & = # + in keys and values', () => {
    expect(serializeQuery({ 'a&b': 'c=d#e+f' })).toBe('?a%26b=c%3Dd%23e%2Bf')
  })

  it('gives an empty string when nothing is left', () => {
    expect(serializeQuery({ a: undefined })).toBe('')
    expect(serializeQuery(new URLSearchParams())).toBe('')
  })

  it('accepts URLSearchParams', () => {
    expect(
      serializeQuery(
        new URLSearchParams([
          ['a', '1'],
          ['a', '2'],
        ]),
      ),
    ).toBe('?a=1&a=2')
  })

  it('reaches the server as sent', async () => {
    const { url } = await client.get<{ url: string }>('/q', {
      query: { ids: [1, 2], q: 'x y', none: undefined },
    })
    expect(url).toBe('/api/v2/q?ids=1&ids=2&q=x%20y')
  })

  it.each([
    ['an object value', { a: { b: 1 } }],
    ['an invalid Date', { a: new Date(Number.NaN) }],
    ['an array', [1, 2]],
  ])('rejects %s', async (_name, query) => {
    await expectClientError(
      client.get('/q', { query: query as never }),
      ClientError,
      'FOO_ERR_INVALID_ARGUMENT',
    )
  })
})
