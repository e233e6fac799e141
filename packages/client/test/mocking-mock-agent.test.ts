import { MockAgent } from 'undici'
import { afterAll, describe, expect, it, onTestFinished } from 'vitest'
import { Client, ClientError, HttpError } from '../src/index.js'
import { expectClientError, failOnUnhandledRejections } from './helpers/expect.js'

failOnUnhandledRejections()

const agent = new MockAgent()
agent.disableNetConnect()
const pool = agent.get('https://api.example.com')

afterAll(async () => {
  await agent.close()
})

describe('undici MockAgent through the dispatcher option', () => {
  it('answers JSON methods', async () => {
    pool.intercept({ path: '/v1/users/1', method: 'GET' }).reply(
      200,
      { id: 1 },
      {
        headers: { 'content-type': 'application/json' },
      },
    )
    pool
      .intercept({ path: '/v1/users', method: 'POST', body: '{"name":"Ada"}' })
      .reply(201, { id: 2 })
    const client = new Client({ baseUrl: 'https://api.example.com/v1', dispatcher: agent })
    onTestFinished(() => client.destroy())
    expect(await client.get('/users/{id}', { params: { id: 1 } })).toEqual({ id: 1 })
    expect(await client.post('/users', { body: { name: 'Ada' } })).toEqual({ id: 2 })
  })

  it('maps mocked statuses and errors', async () => {
    pool.intercept({ path: '/missing', method: 'GET' }).reply(404, 'nope')
    pool.intercept({ path: '/down', method: 'GET' }).replyWithError(new Error('kaboom'))
    const client = new Client({ baseUrl: 'https://api.example.com', dispatcher: agent })
    onTestFinished(() => client.destroy())
    const error = await expectClientError(client.get('/missing'), HttpError, 'FOO_ERR_HTTP')
    expect(error.body).toBe('nope')
    await expectClientError(client.get('/down'), ClientError, 'FOO_ERR_CONNECTION')
  })

  it('closing the client never closes the user dispatcher', async () => {
    const client = new Client({ baseUrl: 'https://api.example.com', dispatcher: agent })
    onTestFinished(() => client.destroy())
    await client.close()
    expect(client.closed).toBe(true)
    await expectClientError(client.get('/x'), ClientError, 'FOO_ERR_CLOSED')
    pool.intercept({ path: '/still-open', method: 'GET' }).reply(200, { open: true })
    const other = new Client({ baseUrl: 'https://api.example.com', dispatcher: agent })
    onTestFinished(() => other.destroy())
    expect(await other.get('/still-open')).toEqual({ open: true })
    other.destroy()
    pool.intercept({ path: '/after-destroy', method: 'GET' }).reply(200, { open: true })
    const third = new Client({ baseUrl: 'https://api.example.com', dispatcher: agent })
    onTestFinished(() => third.destroy())
    expect(await third.get('/after-destroy')).toEqual({ open: true })
  })
})
