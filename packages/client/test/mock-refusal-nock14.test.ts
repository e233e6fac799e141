import nock from 'nock'
import { afterAll, afterEach, describe, expect, it, onTestFinished } from 'vitest'
import { Client, ClientError } from '../src/index.js'
import { expectClientError, failOnUnhandledRejections } from './helpers/expect.js'
import { secretsShown } from './helpers/renderings.js'

failOnUnhandledRejections()

// nock 14's refusals echo the whole request, token and secret query values included. What the
// client surfaces must say that a mock refused the request, and show none of those values.
const TOKEN = 'tok-SECRET-8c1d2e'
const API_KEY = 'key-SECRET-93af01'
const PARAM = 'qry-SECRET-5b7e66'
const SECRETS = [TOKEN, API_KEY, PARAM]

afterEach(() => {
  nock.cleanAll()
  nock.enableNetConnect()
})
afterAll(() => {
  nock.restore()
})

function client(): Client {
  const c = new Client({
    baseUrl: 'https://api.example.com/v1',
    headers: { authorization: `Bearer ${TOKEN}`, 'x-api-key': API_KEY },
    secretParams: ['token'],
  })
  onTestFinished(() => c.close())
  return c
}

describe('nock 14 refusing a request', () => {
  it('no interceptor matches: a typed error that says a mock refused it, with no secret in any rendering', async () => {
    nock('https://api.example.com').get('/v1/other').reply(200, {})
    const error = await expectClientError(
      client().get('/users', { query: { token: PARAM, page: 2 } }),
      ClientError,
      'FOO_ERR_CONNECTION',
    )
    expect(error.message).toMatch(/was refused by the mocking library that replaced fetch/)
    expect(error.message).toContain('No match for request')
    expect(error.message).not.toContain('..')
    expect(error.message).not.toContain('Check that the server is reachable')
    expect(secretsShown(error, SECRETS)).toEqual([])
    // What the cause still tells: the library's code.
    expect((error.cause as { code?: string }).code).toBe('ERR_NOCK_NO_MATCH')
  })

  it('real connections disabled: the same, naming the refusal', async () => {
    nock.disableNetConnect()
    const error = await expectClientError(
      client().get('/users', { query: { token: PARAM } }),
      ClientError,
      'FOO_ERR_CONNECTION',
    )
    expect(error.message).toMatch(/refused by the mocking library.*Disallowed net connect/)
    expect(error.message).not.toContain('..')
    expect(secretsShown(error, SECRETS)).toEqual([])
  })
})
