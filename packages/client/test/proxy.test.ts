import { inspect } from 'node:util'
import { startProxy, startServer } from '@foo/testkit'
import { describe, expect, it, onTestFinished } from 'vitest'
import { Client, ClientError } from '../src/index.js'
import { getRegistry } from '../src/lifecycle.js'
import { expectClientError, failOnUnhandledRejections } from './helpers/expect.js'

failOnUnhandledRejections()

async function target(protocol: 'http' | 'https') {
  const server = await startServer({
    protocol,
    handler: (req, res) => {
      res.setHeader('content-type', 'application/json')
      res.end(
        JSON.stringify({
          ua: req.headers['user-agent'],
          proxied: req.headers['proxy-authorization'] ?? null,
        }),
      )
    },
  })
  onTestFinished(() => server.close())
  return server
}

async function proxy(options: Parameters<typeof startProxy>[0] = {}) {
  const p = await startProxy(options)
  onTestFinished(() => p.close())
  return p
}

describe.each(['http', 'https'] as const)('proxy: a URL (%s target)', (protocol) => {
  it('tunnels through a real CONNECT proxy', async () => {
    const server = await target(protocol)
    const p = await proxy()
    const client = new Client({
      baseUrl: server.origin,
      proxy: p.origin,
      ...(server.ca === undefined ? {} : { ca: server.ca }),
    })
    onTestFinished(() => client.close())
    expect(await client.get('/')).toMatchObject({ proxied: null })
    expect(p.connects.map((c) => [c.target, c.status])).toEqual([[`127.0.0.1:${server.port}`, 200]])
  })
})

describe('proxy', () => {
  it('credentials in the proxy URL authenticate the CONNECT and are never shown', async () => {
    const server = await target('http')
    const p = await proxy({ credentials: { user: 'me', pass: 'pr0xy-pass' } })
    const url = `http://me:pr0xy-pass@127.0.0.1:${p.port}`
    const client = new Client({ baseUrl: server.origin, proxy: url })
    onTestFinished(() => client.close())
    expect(await client.get('/')).toMatchObject({ proxied: null })
    expect(p.connects[0]?.status).toBe(200)
    const bad = new Client({
      baseUrl: server.origin,
      proxy: `http://me:wrong-pass@127.0.0.1:${p.port}`,
    })
    onTestFinished(() => bad.close())
    const error = await expectClientError(bad.get('/'), ClientError, 'FOO_ERR_CONNECTION')
    for (const text of [
      error.message,
      inspect(error, { depth: 6 }),
      inspect(client),
      JSON.stringify(client),
    ]) {
      expect(text).not.toContain('pr0xy-pass')
      expect(text).not.toContain('wrong-pass')
    }
  })

  it("'env' honours HTTP_PROXY and NO_PROXY", async () => {
    const server = await target('http')
    const p = await proxy()
    const saved = { HTTP_PROXY: process.env.HTTP_PROXY, NO_PROXY: process.env.NO_PROXY }
    onTestFinished(() => {
      for (const [key, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[key]
        else process.env[key] = value
      }
    })
    process.env.HTTP_PROXY = p.origin
    delete process.env.NO_PROXY
    const viaProxy = new Client({ baseUrl: server.origin, proxy: 'env' })
    onTestFinished(() => viaProxy.close())
    await viaProxy.get('/')
    expect(p.connects).toHaveLength(1)
    process.env.NO_PROXY = '127.0.0.1'
    const direct = new Client({ baseUrl: server.origin, proxy: 'env' })
    onTestFinished(() => direct.close())
    await direct.get('/')
    expect(p.connects).toHaveLength(1)
  })

  it('the proxy agent is managed: a registry entry that owns the tunnel, closed with the client', async () => {
    const server = await target('http')
    const p = await proxy()
    const client = new Client({ baseUrl: server.origin, proxy: p.origin })
    await client.get('/')
    const entry = getRegistry()
      .entries()
      .find((e) => e.resource !== undefined && e.name === 'Client' && !e.closed)
    expect(entry).toBeDefined()
    const [socket] = server.connections
    expect(socket).toBeDefined()
    await client.close()
    const deadline = Date.now() + 5_000
    while (p.tunnels.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10))
    expect(p.tunnels.size).toBe(0)
  })

  it('bad proxy options are FOO_ERR_INVALID_ARGUMENT without the password', () => {
    for (const proxyOption of ['ftp://u:hunter2@x', 'not a url with hunter2@', 42]) {
      let error: unknown
      try {
        new Client({ baseUrl: 'http://x.test', proxy: proxyOption as string })
      } catch (err) {
        error = err
      }
      expect((error as ClientError).code).toBe('FOO_ERR_INVALID_ARGUMENT')
      expect(String(error)).not.toContain('hunter2')
    }
  })
})
