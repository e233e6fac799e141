import { startFaultServer } from '@foo/testkit'
import { describe, expect, it, onTestFinished } from 'vitest'
import { Client, ClientError, HttpError } from '../src/index.js'
import { expectClientError, failOnUnhandledRejections } from './helpers/expect.js'

failOnUnhandledRejections()

// The deadline covers the body of an error response too: a 500 whose body stalls is the timeout
// the caller set, not an HttpError built from half a body.
async function clientWithTimeout(timeout: number): Promise<Client> {
  const server = await startFaultServer()
  onTestFinished(() => server.close())
  const client = new Client({ baseUrl: server.origin, timeout })
  onTestFinished(() => client.close())
  return client
}

describe('an error response whose body stalls', () => {
  it('is FOO_ERR_TIMEOUT, not an HttpError with a partial body', async () => {
    const client = await clientWithTimeout(300)
    const error = await expectClientError(
      client.get('/fault/status-500-stall'),
      ClientError,
      'FOO_ERR_TIMEOUT',
    )
    expect(error).not.toBeInstanceOf(HttpError)
    expect(error.message).toContain('timed out after 300 ms')
  })

  it('a complete error body is still an HttpError with that body', async () => {
    const client = await clientWithTimeout(5_000)
    const error = await expectClientError(
      client.get('/fault/status-500'),
      HttpError,
      'FOO_ERR_HTTP',
    )
    expect(error.body).toContain('"error":"internal"')
  })
})
