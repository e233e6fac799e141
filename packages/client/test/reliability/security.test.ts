import { inspect } from 'node:util'
import { Client, HttpError, isClientError } from '@foo/client'
import { type FaultServer, gcFunction, startFaultServer } from '@foo/testkit'
import { afterEach, describe, expect, it } from 'vitest'
import { renderings } from '../helpers/renderings.js'

const TOKEN = 'tok-SECRET-4f1e9a'
const KEY = 'key-SECRET-77b2c0'

let server: FaultServer | undefined
let client: Client | undefined
afterEach(async () => {
  client?.destroy()
  await server?.close()
  client = undefined
  server = undefined
})

interface Echo {
  server: 'fault' | 'peer'
  url: string
  headers: Record<string, string | string[]>
}

async function rejection(promise: Promise<unknown>): Promise<Error & { code: string }> {
  const outcome = await promise.then(
    (value) => ({ value }),
    (error: unknown) => error,
  )
  if (!isClientError(outcome)) throw new Error(`expected a ClientError, got ${inspect(outcome)}`)
  return outcome
}

describe('TLS verification', () => {
  it('refuses a self-signed server by default with FOO_ERR_TLS', async () => {
    server = await startFaultServer({ protocol: 'https' })
    client = new Client({ baseUrl: server.origin })
    const error = await rejection(client.get('/fault/ok'))
    expect(error.code).toBe('FOO_ERR_TLS')
    expect(server.counts().requests).toBe(0)
  })

  it('accepts it when the user passes its CA', async () => {
    server = await startFaultServer({ protocol: 'https' })
    client = new Client({ baseUrl: server.origin, ca: server.ca as string })
    expect(await client.get<Echo>('/fault/ok')).toMatchObject({ server: 'fault' })
  })
})

describe.each(['http', 'https'] as const)('redirects (%s)', (protocol) => {
  async function start(): Promise<Client> {
    server = await startFaultServer({ protocol })
    client = new Client({
      baseUrl: server.origin,
      ...(server.ca ? { ca: server.ca } : {}),
      headers: { authorization: `Bearer ${TOKEN}`, cookie: `session=${TOKEN}` },
    })
    return client
  }

  it('never forwards Authorization or Cookie to another origin', async () => {
    const api = await start()
    const echo = await api.get<Echo>('/fault/redirect-cross-origin', {
      headers: { 'proxy-authorization': `Basic ${TOKEN}` },
    })
    expect(echo.server).toBe('peer')
    expect(JSON.stringify(echo.headers)).not.toContain(TOKEN)
  })

  it('keeps them on a same-origin redirect', async () => {
    const api = await start()
    const echo = await api.get<Echo>('/fault/redirect')
    expect(echo.server).toBe('fault')
    expect(echo.headers.authorization).toBe(`Bearer ${TOKEN}`)
  })

  it('stops a redirect loop with FOO_ERR_REDIRECT', async () => {
    const api = await start()
    const error = await rejection(api.get('/fault/redirect-loop'))
    expect(error.code).toBe('FOO_ERR_REDIRECT')
    expect(server?.counts().requests).toBeLessThanOrEqual(6)
  })
})

describe('secrets are redacted', () => {
  function start(): Client {
    if (!server) throw new Error('start the server first')
    client = new Client({
      baseUrl: `${server.origin}/v1`,
      headers: { authorization: `Bearer ${TOKEN}` },
      secretParams: ['api_key', 'token'],
      timeout: 500,
    })
    return client
  }

  it('from HttpError message, toString, inspect, JSON, stack, url and body', async () => {
    server = await startFaultServer({ protocol: 'http' })
    const api = start()
    const error = await rejection(
      api.get('/fault/status-500', { query: { token: TOKEN, api_key: KEY, page: 2 } }),
    )
    expect(error).toBeInstanceOf(HttpError)
    expect(error.code).toBe('FOO_ERR_HTTP')
    for (const text of renderings(error)) {
      expect(text).not.toContain(TOKEN)
      expect(text).not.toContain(KEY)
    }
    // The redacted URL still says where the request went.
    expect(error.message).toContain('/v1/fault/status-500')
    expect(error.message).toContain('500')
  })

  it('from timeout and connection errors', async () => {
    server = await startFaultServer({ protocol: 'http' })
    const api = start()
    const timeout = await rejection(api.get('/fault/never-respond', { query: { token: TOKEN } }))
    expect(timeout.code).toBe('FOO_ERR_TIMEOUT')
    const reset = await rejection(api.get('/fault/reset-before', { query: { token: TOKEN } }))
    expect(reset.code).toBe('FOO_ERR_CONNECTION')
    for (const text of [...renderings(timeout), ...renderings(reset)]) {
      expect(text).not.toContain(TOKEN)
      expect(text).not.toContain(KEY)
    }
  })

  it('from the client itself: inspect, String, JSON', async () => {
    server = await startFaultServer({ protocol: 'http' })
    const api = start()
    for (const text of [
      inspect(api, { depth: 8, showHidden: true }),
      String(api),
      JSON.stringify(api) ?? '',
    ]) {
      expect(text).not.toContain(TOKEN)
      expect(text).not.toContain(KEY)
    }
  })
})

describe('bounded memory', () => {
  it('a 64 MiB body is cut at maxResponseSize with FOO_ERR_RESPONSE_TOO_LARGE, and the heap does not grow by it', async () => {
    server = await startFaultServer({ protocol: 'http' })
    client = new Client({ baseUrl: server.origin, maxResponseSize: 1024 * 1024 })
    const collect = gcFunction()
    collect()
    const before = process.memoryUsage()
    const error = await rejection(
      client.get('/fault/huge-body', { query: { size: 64 * 1024 * 1024 } }),
    )
    expect(error.code).toBe('FOO_ERR_RESPONSE_TOO_LARGE')
    const after = process.memoryUsage()
    expect(
      after.heapUsed + after.arrayBuffers - before.heapUsed - before.arrayBuffers,
    ).toBeLessThan(32 * 1024 * 1024)
  })

  it('HttpError keeps at most the first 4 KiB of a large error body', async () => {
    server = await startFaultServer({ protocol: 'http' })
    client = new Client({ baseUrl: server.origin })
    const error = (await rejection(
      client.get('/fault/status-500', { query: { size: 2 * 1024 * 1024 } }),
    )) as HttpError
    expect(error.status).toBe(500)
    expect(JSON.stringify(error.body).length).toBeLessThanOrEqual(4 * 1024 + 64)
  })
})

describe('prototype pollution', () => {
  it('a JSON body with __proto__ and constructor.prototype reaches neither Object.prototype nor the client', async () => {
    server = await startFaultServer({ protocol: 'http' })
    client = new Client({ baseUrl: server.origin })
    const body = await client.get<Record<string, unknown>>('/fault/proto-json')
    const probe = {} as Record<string, unknown>
    expect(probe.polluted).toBeUndefined()
    expect(probe.isAdmin).toBeUndefined()
    expect((Object.prototype as Record<string, unknown>).polluted).toBeUndefined()
    expect((client as unknown as Record<string, unknown>).polluted).toBeUndefined()
    expect((client as unknown as Record<string, unknown>).isAdmin).toBeUndefined()
    expect(body.ok).toBe(true)
    expect(
      Object.getPrototypeOf(body) === Object.prototype || Object.getPrototypeOf(body) === null,
    ).toBe(true)
    expect((body as { isAdmin?: unknown }).isAdmin).toBeUndefined()
    // A later request still works with a clean prototype chain.
    const again = await client.get<Record<string, unknown>>('/fault/ok')
    expect(again.isAdmin).toBeUndefined()
  })
})
