import { once } from 'node:events'
import net from 'node:net'
import tls from 'node:tls'
import { Agent, request } from 'undici'
import { afterEach, describe, expect, it } from 'vitest'
import { type FaultName, type FaultServer, startFaultServer, waitFor } from '../src/index.js'

let faults: FaultServer | undefined
let dispatcher: Agent | undefined
afterEach(async () => {
  await dispatcher?.destroy()
  await faults?.close()
  dispatcher = undefined
  faults = undefined
})

async function start(protocol: 'http' | 'https', options = {}): Promise<FaultServer> {
  faults = await startFaultServer({ protocol, ...options })
  dispatcher = new Agent({ connect: { ca: faults.ca }, headersTimeout: 2_000, bodyTimeout: 2_000 })
  return faults
}

function get(
  path: string,
  headers: Record<string, string> = {},
  method = 'GET',
  signal?: AbortSignal,
) {
  if (!faults || !dispatcher) throw new Error('start() first')
  return request(`${faults.origin}${path}`, {
    dispatcher,
    headers,
    method,
    ...(signal ? { signal } : {}),
  })
}

/** Raw bytes of one response, read from a fresh socket. */
async function rawResponse(server: FaultServer, path: string): Promise<string> {
  const { port } = server
  const socket =
    server.protocol === 'https'
      ? tls.connect({ port, host: '127.0.0.1', ca: server.ca, servername: 'localhost' })
      : net.connect({ port, host: '127.0.0.1' })
  await once(socket, server.protocol === 'https' ? 'secureConnect' : 'connect')
  socket.end(`GET ${path} HTTP/1.1\r\nhost: 127.0.0.1\r\n\r\n`)
  const chunks: Buffer[] = []
  for await (const chunk of socket) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks).toString('latin1')
}

describe.each(['http', 'https'] as const)('startFaultServer (%s)', (protocol) => {
  it('echoes a normal request and counts it per method and per request id', async () => {
    const server = await start(protocol)
    const res = await get('/fault/ok', { 'x-request-id': 'a', authorization: 'Bearer t' }, 'POST')
    const body = (await res.body.json()) as { method: string; headers: Record<string, string> }
    expect(res.statusCode).toBe(200)
    expect(body.method).toBe('POST')
    expect(body.headers.authorization).toBe('Bearer t')
    await (await get('/plain')).body.dump()
    const counts = server.counts()
    expect(counts).toMatchObject({ requests: 2, methods: { POST: 1, GET: 1 }, faults: { ok: 2 } })
    expect(server.requests().get('a')).toEqual({
      method: 'POST',
      attempts: 1,
      faults: ['ok'],
      reused: [false],
      responded: [true],
    })
  })

  it('picks the fault from the x-fault header', async () => {
    const server = await start(protocol)
    const res = await get('/x', { 'x-fault': 'status-503' })
    expect(res.statusCode).toBe(503)
    expect(res.headers['retry-after']).toBe('0')
    await res.body.dump()
    expect(server.counts().faults['status-503']).toBe(1)
  })

  it.each([
    'reset-before',
    'reset-during',
    'truncated',
    'stall-body',
    'huge-headers',
    'invalid-header',
  ] as const)('%s makes the request or its body fail', async (fault) => {
    const server = await start(protocol)
    const outcome = await get(`/fault/${fault}`)
      .then((res) => res.body.text())
      .then(
        () => 'body read',
        (error: Error) => error,
      )
    expect(outcome).toBeInstanceOf(Error)
    expect(server.counts().faults[fault]).toBe(1)
  })

  it('never-respond holds until the client gives up, and close() still ends it', async () => {
    const server = await start(protocol)
    const pending = get('/fault/never-respond').catch((error: Error) => error)
    await waitFor('the request at the server', () => server.counts().requests === 1)
    expect(server.server.connections.size).toBe(1)
    await server.close()
    expect(await pending).toBeInstanceOf(Error)
    expect(server.server.connections.size).toBe(0)
  })

  it('reset-after sends a whole response, then resets the socket', async () => {
    const server = await start(protocol)
    const res = await get('/fault/reset-after')
    expect(res.statusCode).toBe(200)
    expect(await res.body.json()).toMatchObject({ ok: true })
    await waitFor('the server state', () => server.server.connections.size === 0)
  })

  it('idle-close advertises keep-alive and then closes the socket', async () => {
    const server = await start(protocol)
    const res = await get('/fault/idle-close?ms=20')
    expect(res.headers['keep-alive']).toBe('timeout=600')
    await res.body.dump()
    await waitFor('the server state', () => server.server.connections.size === 0)
    expect(server.counts().connections).toBe(1)
  })

  it('slow-headers and slow-body answer late but whole', async () => {
    await start(protocol)
    const started = Date.now()
    const slow = await get('/fault/slow-headers?ms=60')
    expect(await slow.body.json()).toMatchObject({ ok: true })
    expect(Date.now() - started).toBeGreaterThanOrEqual(50)
    const trickle = await get('/fault/slow-body?ms=40')
    expect(await trickle.body.json()).toMatchObject({ ok: true })
  })

  it('malformed-json and proto-json send the documented bodies', async () => {
    await start(protocol)
    const bad = await get('/fault/malformed-json')
    expect(bad.headers['content-type']).toBe('application/json')
    const text = await bad.body.text()
    expect(() => JSON.parse(text)).toThrow(SyntaxError)
    const proto = await (await get('/fault/proto-json')).body.text()
    expect(proto).toContain('"__proto__"')
  })

  it('huge-body streams exactly size bytes', async () => {
    await start(protocol)
    const res = await get(`/fault/huge-body?size=${3 * 1024 * 1024 + 7}`)
    let bytes = 0
    for await (const chunk of res.body) bytes += (chunk as Buffer).length
    expect(bytes).toBe(3 * 1024 * 1024 + 7)
  })

  it('excess-body writes more than Content-Length on the raw socket', async () => {
    const server = await start(protocol)
    const text = await rawResponse(server, '/fault/excess-body')
    expect(text).toMatch(/^HTTP\/1\.1 200 OK\r\n[\s\S]*content-length: 2\r\n\r\n\{\}HTTP\/1\.1/)
  })

  it('invalid-header puts NUL and a bare CR in a header value', async () => {
    const server = await start(protocol)
    const text = await rawResponse(server, '/fault/invalid-header')
    expect(text).toContain('x-bad: a\u0000b\rc\r\n')
  })

  it('redirects within the origin, across origins (to the peer) and in a loop', async () => {
    const server = await start(protocol)
    const same = await get('/fault/redirect')
    expect(same.statusCode).toBe(302)
    expect(same.headers.location).toBe('/fault/ok')
    const cross = await get('/fault/redirect-cross-origin')
    expect(cross.headers.location).toBe(`${server.peer.origin}/fault/ok`)
    expect(server.peer.origin).not.toBe(server.origin)
    const loop = await get('/fault/redirect-loop?n=1')
    expect(loop.headers.location).toBe('/fault/redirect-loop?n=1')
    const peer = await request(`${server.peer.origin}/fault/ok`, {
      dispatcher: dispatcher as Agent,
    })
    expect(await peer.body.json()).toMatchObject({ server: 'peer' })
  })

  it('restart closes every socket and listens again on the same port', async () => {
    const server = await start(protocol)
    const pending = get('/fault/never-respond').catch((error: Error) => error)
    await waitFor('the server state', () => server.counts().requests === 1)
    const res = await get('/fault/restart?ms=50')
    await res.body.dump()
    expect(await pending).toBeInstanceOf(Error)
    await waitFor('the server state', async () => {
      const next = await get('/fault/ok').catch(() => undefined)
      await next?.body.dump()
      return next?.statusCode === 200
    })
    await server.restart(10)
    expect((await get('/fault/ok')).statusCode).toBe(200)
    expect(server.counts().restarts).toBe(2)
    expect(server.origin).toBe(`${protocol}://127.0.0.1:${server.port}`)
  })
})

describe('random faults', () => {
  it('are deterministic per seed, request id and attempt, and follow the weights', async () => {
    const weights = { ok: 3, 'status-503': 1, 'malformed-json': 1 }
    const seen: FaultName[][] = []
    for (let run = 0; run < 2; run++) {
      const server = await start('http', { random: { seed: 7, weights } })
      const order = run === 0 ? [...Array(60).keys()] : [...Array(60).keys()].reverse()
      for (const i of order) await (await get('/any', { 'x-request-id': String(i) })).body.dump()
      seen.push(
        [...Array(60).keys()].map((i) => server.requests().get(String(i))?.faults[0] as FaultName),
      )
      await faults?.close()
      await dispatcher?.destroy()
      faults = undefined
      dispatcher = undefined
    }
    expect(seen[0]).toEqual(seen[1])
    const kinds = new Set(seen[0])
    expect([...kinds].sort()).toEqual(['malformed-json', 'ok', 'status-503'])
  })

  it('a named fault wins over random mode; an unknown name answers 500', async () => {
    const server = await start('http', { random: { seed: 1, weights: { 'never-respond': 1 } } })
    expect((await get('/fault/ok')).statusCode).toBe(200)
    const unknown = await get('/fault/nope')
    expect(unknown.statusCode).toBe(500)
    await unknown.body.dump()
    expect(server.counts().faults).toEqual({ ok: 1, 'status-500': 1 })
  })

  it('rejects weights that give nothing a chance', async () => {
    await expect(startFaultServer({ random: { seed: 1, weights: { ok: 0 } } })).rejects.toThrow(
      RangeError,
    )
  })
})

describe('fault names', () => {
  it('are found anywhere in the path, so a base path like /v1 works', async () => {
    const server = await start('http')
    const res = await get('/v1/api/fault/status-429?after=3')
    expect(res.statusCode).toBe(429)
    expect(res.headers['retry-after']).toBe('3')
    await res.body.dump()
    expect(server.counts().faults).toEqual({ 'status-429': 1 })
  })
})

describe('request records', () => {
  it('say whether an attempt came on a reused socket and whether any response byte was written', async () => {
    const server = await start('http')
    await (await get('/fault/ok', { 'x-request-id': 'first' })).body.text()
    // undici hands the socket back to its pool a moment after the body ends.
    await new Promise((resolve) => setTimeout(resolve, 50))
    const ac = new AbortController()
    const pending = get(
      '/fault/never-respond',
      { 'x-request-id': 'second' },
      'GET',
      ac.signal,
    ).catch((error: Error) => error)
    await waitFor('the server state', () => server.counts().requests === 2)
    ac.abort()
    expect(await pending).toBeInstanceOf(Error)
    await waitFor(
      'the server state',
      () => server.requests().get('second')?.responded[0] !== undefined,
    )
    expect(server.requests().get('first')).toMatchObject({ reused: [false], responded: [true] })
    expect(server.requests().get('second')).toMatchObject({ reused: [true], responded: [false] })
    server.clearRequests()
    expect(server.requests().size).toBe(0)
  })
})
