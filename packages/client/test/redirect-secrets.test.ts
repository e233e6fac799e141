import { type FaultServer, startFaultServer } from '@foo/testkit'
import { describe, expect, it, onTestFinished } from 'vitest'
import { Client } from '../src/index.js'
import { failOnUnhandledRejections } from './helpers/expect.js'

failOnUnhandledRejections()

// A redirect to another origin carries none of the headers the client itself treats as secret
// (the set inspect() redacts), nor a host the caller set; the same origin keeps them all.
interface Echo {
  server: 'fault' | 'peer'
  headers: Record<string, string | string[]>
}

const secretHeaders = {
  authorization: 'Bearer SECRET-auth',
  'x-api-key': 'SECRET-api-key',
  'private-token': 'SECRET-private-token',
  'x-auth-token': 'SECRET-auth-token',
  'x-session-id': 'SECRET-session',
  cookie: 'sid=SECRET-cookie',
}

async function setup(protocol: 'http' | 'https'): Promise<{ server: FaultServer; client: Client }> {
  const server = await startFaultServer({ protocol })
  onTestFinished(() => server.close())
  const client = new Client({
    baseUrl: server.origin,
    ...(server.ca === undefined ? {} : { ca: server.ca }),
    headers: secretHeaders,
  })
  onTestFinished(() => client.close())
  return { server, client }
}

describe.each(['http', 'https'] as const)('redirect header scope (%s)', (protocol) => {
  // A caller-set host is refused at the door now (a managed header, bad-request-bodies.test.ts).
  it('across origins: no secret header reaches the other origin', async () => {
    const { server, client } = await setup(protocol)
    const echo = await client.get<Echo>('/fault/redirect-cross-origin', {
      headers: { 'x-trace': 'kept' },
    })
    expect(echo.server).toBe('peer')
    expect(JSON.stringify(echo.headers)).not.toContain('SECRET')
    for (const name of Object.keys(secretHeaders)) expect(echo.headers[name]).toBeUndefined()
    // undici sets the host of the new origin itself.
    expect(echo.headers.host).toBe(new URL(server.peer.origin).host)
    expect(echo.headers['x-trace']).toBe('kept')
  })

  it('on the same origin: every header is kept', async () => {
    const { client } = await setup(protocol)
    const echo = await client.get<Echo>('/fault/redirect', { headers: { 'x-trace': 'kept' } })
    expect(echo.server).toBe('fault')
    for (const [name, value] of Object.entries(secretHeaders))
      expect(echo.headers[name]).toBe(value)
    expect(echo.headers['x-trace']).toBe('kept')
  })
})
