import { startServer, type TestServer } from '@foo/testkit'
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest'
import { Client, ClientError } from '../src/index.js'
import { expectClientError, expectThrows, failOnUnhandledRejections } from './helpers/expect.js'

failOnUnhandledRejections()

let server: TestServer

beforeAll(async () => {
  server = await startServer({ protocol: 'https' })
})

afterAll(async () => {
  await server.close()
})

describe('TLS', () => {
  it('trusts a self-signed server given its CA with { ca }', async () => {
    const client = new Client({ baseUrl: server.origin, ca: server.ca as string })
    onTestFinished(() => client.destroy())
    expect(await client.get('/')).toEqual({ ok: true })
  })

  it('accepts the CA as a Buffer in an array', async () => {
    const client = new Client({ baseUrl: server.origin, ca: [Buffer.from(server.ca as string)] })
    onTestFinished(() => client.destroy())
    expect(await client.get('/')).toEqual({ ok: true })
  })

  it('verifies certificates by default: an untrusted server is FOO_ERR_TLS, with a fix', async () => {
    const client = new Client({ baseUrl: server.origin })
    onTestFinished(() => client.destroy())
    const error = await expectClientError(client.get('/'), ClientError, 'FOO_ERR_TLS')
    expect(error.message).toContain('pass its CA with { ca }')
    expect((error.cause as { code?: string }).code).toMatch(/SELF_SIGNED|UNABLE_TO_VERIFY/)
  })

  it('has no option to turn verification off', async () => {
    const error = await expectThrows(
      () => new Client({ baseUrl: server.origin, rejectUnauthorized: false } as never),
      ClientError,
      'FOO_ERR_INVALID_ARGUMENT',
    )
    expect(error.message).toContain('TLS verification cannot be turned off')
  })
})
