import { startServer, type TestServer } from '@foo/testkit'
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest'
import { Client, ClientError } from '../src/index.js'
import { expectClientError, failOnUnhandledRejections } from './helpers/expect.js'

failOnUnhandledRejections()

// Servers and URL parsers collapse `.` and `..` segments, also spelled %2e, and many treat a
// backslash as a slash: a path the client sends must contain none, however it was assembled.
let server: TestServer
const seen: string[] = []

beforeAll(async () => {
  server = await startServer({
    handler: (req, res) => {
      seen.push(req.url ?? '')
      res.setHeader('content-type', 'application/json')
      res.end(JSON.stringify({ url: req.url }))
    },
  })
})
afterAll(() => server.close())

function client(): Client {
  const c = new Client({ baseUrl: `${server.origin}/v1` })
  onTestFinished(() => c.close())
  return c
}

async function refused(promise: Promise<unknown>): Promise<ClientError> {
  const before = seen.length
  const error = await expectClientError(promise, ClientError, 'FOO_ERR_INVALID_ARGUMENT')
  expect(seen.slice(before), 'nothing reaches the server').toEqual([])
  return error
}

describe('placeholders that together make a dot segment', () => {
  it('name "." and ext "." in /files/{name}{ext}/meta (it was sent as /files/../meta)', async () => {
    await refused(client().get('/files/{name}{ext}/meta', { params: { name: '.', ext: '.' } }))
  })

  it('names both params and the segment they assemble', async () => {
    const error = await refused(
      client().get('/files/{name}{ext}/meta', { params: { name: '.', ext: '.' } }),
    )
    expect(error.message).toContain('params.name and params.ext')
    expect(error.message).toContain('".."')
  })

  it('a placeholder next to a literal %2e', async () => {
    await refused(client().get('/files/{name}%2e/meta', { params: { name: '.' } }))
  })

  it('still allows dots that do not make a whole segment', async () => {
    const c = client()
    expect(await c.get('/files/{name}{ext}/meta', { params: { name: 'a', ext: '.json' } })).toEqual(
      { url: '/v1/files/a.json/meta' },
    )
    expect(await c.get('/files/{name}{ext}', { params: { name: '.', ext: '..' } })).toEqual({
      url: '/v1/files/...',
    })
  })
})

describe('literal paths are held to the same rule as /a/../b', () => {
  it.each([
    '/a/%2e%2e/b',
    '/a/%2E%2e/b',
    '/a/%2e/b',
    '/a/.%2e/b',
    '/a/..\\b',
    '/a\\..\\b',
    '/a\\.\\b',
    '/{id}/%2e%2e',
  ])('%s is refused before anything is sent', async (path) => {
    const error = await refused(
      client().get(path, path.includes('{') ? { params: { id: 'x' } } : {}),
    )
    expect(error.message).toContain('dot segment')
  })
})
