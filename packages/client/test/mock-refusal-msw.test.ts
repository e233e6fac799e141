import { HttpResponse, http } from 'msw'
import { setupServer } from 'msw/node'
import { afterAll, beforeAll, describe, expect, it, onTestFinished, vi } from 'vitest'
import { Client, ClientError } from '../src/index.js'
import { expectClientError, failOnUnhandledRejections } from './helpers/expect.js'
import { secretsShown } from './helpers/renderings.js'

failOnUnhandledRejections()

const TOKEN = 'tok-SECRET-0aa9c3'
const PARAM = 'qry-SECRET-e41d7b'
const mocks = setupServer(http.get('https://api.example.com/v1/known', () => HttpResponse.json({})))

beforeAll(() => {
  mocks.listen({ onUnhandledRequest: 'error' })
})
afterAll(() => {
  mocks.close()
})

describe("msw 2 with onUnhandledRequest: 'error'", () => {
  it('an unhandled request is a typed error that says a mock refused it, with no secret in any rendering', async () => {
    // msw prints its own warning for the unhandled request: not ours to judge, keep the output clean.
    const quiet = vi.spyOn(console, 'error').mockImplementation(() => {})
    onTestFinished(() => quiet.mockRestore())
    const c = new Client({
      baseUrl: 'https://api.example.com/v1',
      headers: { authorization: `Bearer ${TOKEN}` },
      secretParams: ['token'],
    })
    onTestFinished(() => c.close())
    const error = await expectClientError(
      c.get('/unknown', { query: { token: PARAM } }),
      ClientError,
      'FOO_ERR_CONNECTION',
    )
    expect(error.message).toMatch(/was refused by the mocking library that replaced fetch.*\[MSW\]/)
    expect(error.message).not.toContain('..')
    expect(error.message).not.toContain('Check that the server is reachable')
    expect(secretsShown(error, [TOKEN, PARAM])).toEqual([])
  })
})
