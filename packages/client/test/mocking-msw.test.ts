import { HttpResponse, http } from 'msw'
import { setupServer } from 'msw/node'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { Client, HttpError } from '../src/index.js'
import { expectClientError, failOnUnhandledRejections } from './helpers/expect.js'

failOnUnhandledRejections()

const mocks = setupServer(
  http.get('https://api.example.com/users/:id', ({ params }) =>
    HttpResponse.json({ id: params.id, name: 'Ada' }),
  ),
  http.post('https://api.example.com/users', async ({ request }) =>
    HttpResponse.json(
      { received: await request.json(), type: request.headers.get('content-type') },
      { status: 201 },
    ),
  ),
  http.delete('https://api.example.com/users/:id', () => new HttpResponse(null, { status: 204 })),
  http.get('https://api.example.com/broken', () => HttpResponse.text('not json', { status: 200 })),
  http.get('https://api.example.com/gone', () =>
    HttpResponse.json({ error: 'gone' }, { status: 410 }),
  ),
)

// msw replaces globalThis.fetch; the client routes through it with no option.
beforeAll(() => {
  mocks.listen({ onUnhandledRequest: 'error' })
})

afterEach(() => {
  mocks.resetHandlers()
})

afterAll(() => {
  mocks.close()
})

describe('msw 2 with no client option', () => {
  const client = new Client({ baseUrl: 'https://api.example.com' })
  afterAll(() => client.close())

  it('answers a GET with path params encoded', async () => {
    expect(await client.get('/users/{id}', { params: { id: 'a b' } })).toEqual({
      id: 'a b',
      name: 'Ada',
    })
  })

  it('receives a JSON body', async () => {
    expect(await client.post('/users', { body: { name: 'Ada' } })).toEqual({
      received: { name: 'Ada' },
      type: 'application/json',
    })
  })

  it('gives undefined for 204', async () => {
    expect(await client.delete('/users/{id}', { params: { id: 1 } })).toBeUndefined()
  })

  it('maps bad JSON and error statuses to typed errors', async () => {
    await expect(client.get('/broken')).rejects.toMatchObject({ code: 'FOO_ERR_INVALID_JSON' })
    const error = await expectClientError(client.get('/gone'), HttpError, 'FOO_ERR_HTTP')
    expect(error.status).toBe(410)
  })

  it('a per-test override wins', async () => {
    mocks.use(
      http.get('https://api.example.com/users/:id', () => HttpResponse.json({ override: true })),
    )
    expect(await client.get('/users/1')).toEqual({ override: true })
  })
})
