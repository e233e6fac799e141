import nock from 'nock'
import { afterAll, afterEach, describe, expect, it, onTestFinished } from 'vitest'
import { Client, HttpError } from '../src/index.js'
import { expectClientError, failOnUnhandledRejections } from './helpers/expect.js'

failOnUnhandledRejections()

// nock 14 replaces globalThis.fetch; the client notices and routes through it, with no option.
afterEach(() => {
  nock.cleanAll()
})

afterAll(() => {
  nock.restore()
})

describe('nock 14 with no client option', () => {
  it('answers a GET', async () => {
    const scope = nock('https://api.example.com').get('/users/1').reply(200, { id: 1, name: 'Ada' })
    const client = new Client({ baseUrl: 'https://api.example.com' })
    onTestFinished(() => client.destroy())
    expect(await client.get('/users/{id}', { params: { id: 1 } })).toEqual({ id: 1, name: 'Ada' })
    expect(scope.isDone()).toBe(true)
  })

  it('matches a JSON body, query and headers', async () => {
    const scope = nock('https://api.example.com', { reqheaders: { authorization: 'Bearer t' } })
      .post('/v1/users', { name: 'Ada' })
      .query({ dry: 'true' })
      .reply(201, { id: 2 })
    const client = new Client({
      baseUrl: 'https://api.example.com/v1',
      headers: { authorization: 'Bearer t' },
    })
    onTestFinished(() => client.destroy())
    expect(await client.post('/users', { body: { name: 'Ada' }, query: { dry: true } })).toEqual({
      id: 2,
    })
    expect(scope.isDone()).toBe(true)
  })

  it('turns a mocked 404 into HttpError', async () => {
    nock('https://api.example.com').get('/missing').reply(404, { error: 'nope' })
    const client = new Client({ baseUrl: 'https://api.example.com' })
    onTestFinished(() => client.destroy())
    const error = await expectClientError(client.get('/missing'), HttpError, 'FOO_ERR_HTTP')
    expect(error.message).toBe('GET https://api.example.com/missing responded 404 Not Found')
    expect(error.body).toBe('{"error":"nope"}')
  })

  it('retries through the mock and gives the response headers', async () => {
    nock('https://api.example.com')
      .get('/flaky')
      .reply(503)
      .get('/flaky')
      .reply(200, 'ok', { 'x-a': '1' })
    const client = new Client({
      baseUrl: 'https://api.example.com',
      retry: { limit: 1, minDelay: 1, maxDelay: 5 },
    })
    onTestFinished(() => client.destroy())
    const res = await client.request({ method: 'GET', path: '/flaky' })
    expect(res.status).toBe(200)
    expect(res.headers['x-a']).toBe('1')
    expect(await res.body.text()).toBe('ok')
  })

  it('a request nock does not match is a typed connection error', async () => {
    nock.disableNetConnect()
    const client = new Client({ baseUrl: 'https://api.example.com' })
    onTestFinished(() => client.destroy())
    await expect(client.get('/unmocked')).rejects.toMatchObject({ code: 'FOO_ERR_CONNECTION' })
    nock.enableNetConnect()
  })
})
