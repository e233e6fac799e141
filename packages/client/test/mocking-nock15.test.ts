import { afterAll, afterEach, beforeAll, describe, expect, it, onTestFinished } from 'vitest'
import { Client, HttpError } from '../src/index.js'
import { expectClientError, failOnUnhandledRejections } from './helpers/expect.js'

failOnUnhandledRejections()

// nock 15 needs Node >= 22 (it fails on Node 20). Installed as the devDependency alias "nock15".
// Run: pnpm matrix --node 22 -- pnpm --filter @foo/client vitest run test/mocking-nock15.test.ts
const major = Number(process.versions.node.split('.')[0])

describe.skipIf(major < 22)('nock 15 with no client option (Node 22+)', () => {
  let nock: typeof import('nock15').default

  beforeAll(async () => {
    nock = (await import('nock15')).default
  })

  afterEach(() => {
    nock.cleanAll()
  })

  afterAll(() => {
    nock.restore()
  })

  it('answers a GET', async () => {
    const scope = nock('https://api.example.com').get('/users/1').reply(200, { id: 1, name: 'Ada' })
    const client = new Client({ baseUrl: 'https://api.example.com' })
    onTestFinished(() => client.destroy())
    expect(await client.get('/users/{id}', { params: { id: 1 } })).toEqual({ id: 1, name: 'Ada' })
    expect(scope.isDone()).toBe(true)
  })

  it('matches a JSON body and turns a 404 into HttpError', async () => {
    const scope = nock('https://api.example.com')
      .post('/users', { name: 'Ada' })
      .reply(201, { id: 2 })
      .get('/missing')
      .reply(404, { error: 'nope' })
    const client = new Client({ baseUrl: 'https://api.example.com' })
    onTestFinished(() => client.destroy())
    expect(await client.post('/users', { body: { name: 'Ada' } })).toEqual({ id: 2 })
    const error = await expectClientError(client.get('/missing'), HttpError, 'FOO_ERR_HTTP')
    expect(error.message).toBe('GET https://api.example.com/missing responded 404 Not Found')
    expect(scope.isDone()).toBe(true)
  })
})
