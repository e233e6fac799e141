import { cp, mkdir, rm } from 'node:fs/promises'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { Worker } from 'node:worker_threads'
import { Client, isClientError } from '@foo/client'
import { type FaultServer, startFaultServer, waitFor } from '@foo/testkit'
import { afterEach, describe, expect, it } from 'vitest'
import { KNOWN_CODES } from './helpers.js'

let server: FaultServer | undefined
const clients: Client[] = []
afterEach(async () => {
  for (const client of clients.splice(0)) client.destroy()
  await server?.close()
  server = undefined
})

async function start(protocol: 'http' | 'https' = 'http'): Promise<FaultServer> {
  server = await startFaultServer({ protocol })
  return server
}

function track(client: Client): Client {
  clients.push(client)
  return client
}

async function outcome(promise: Promise<unknown>): Promise<string> {
  return promise.then(
    () => 'ok',
    (error: unknown) =>
      isClientError(error) && KNOWN_CODES.has(error.code)
        ? error.code
        : `untyped: ${String(error)}`,
  )
}

describe('close() races', () => {
  it('close() during in-flight requests lets them finish, refuses new ones, then closes every socket', async () => {
    const faults = await start()
    const client = track(new Client({ baseUrl: faults.origin }))
    const inFlight = Array.from({ length: 20 }, () =>
      outcome(client.get('/fault/slow-headers', { query: { ms: 300 } })),
    )
    await waitFor('20 requests at the server', () => faults.counts().requests === 20)
    const closing = client.close()
    expect(client.closed).toBe(true)
    expect(await outcome(client.get('/fault/ok'))).toBe('FOO_ERR_CLOSED')
    await closing
    expect(await Promise.all(inFlight)).toEqual(Array(20).fill('ok'))
    await waitFor('no connection left', () => faults.server.connections.size === 0)
    expect(faults.counts().requests).toBe(20)
  })

  it('close() during retry backoff ends the request typed, without further attempts after close', async () => {
    const faults = await start()
    const client = track(
      new Client({ baseUrl: faults.origin, retry: { limit: 5, minDelay: 1_000, maxDelay: 1_000 } }),
    )
    // Retry-After: 1 s: every backoff is 1 s.
    const pending = outcome(
      client.get('/fault/status-503', {
        query: { after: 1 },
        headers: { 'x-request-id': 'backoff' },
      }),
    )
    await waitFor('the first attempt', () => faults.counts().requests >= 1)
    const closing = Date.now()
    await client.close()
    const attemptsAtClose = faults.requests().get('backoff')?.attempts
    const result = await pending
    expect(['FOO_ERR_HTTP', 'FOO_ERR_CLOSED']).toContain(result)
    // The backoffs left would take 4 s or more; close() must not wait for them.
    expect(Date.now() - closing).toBeLessThan(3_000)
    // Nothing to wait for: no attempt may come. Watch 500 ms past close (the next backoff was due
    // within 1 s of the last attempt), then check the count did not move.
    await new Promise((resolve) => setTimeout(resolve, 500))
    expect(faults.requests().get('backoff')?.attempts).toBe(attemptsAtClose)
    expect(faults.server.connections.size).toBe(0)
  })

  it('close() is idempotent and racing calls share one result', async () => {
    const faults = await start()
    const client = track(new Client({ baseUrl: faults.origin }))
    await client.get('/fault/ok')
    const results = await Promise.allSettled([
      client.close(),
      client.close(),
      client[Symbol.asyncDispose](),
    ])
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled'])
    client.destroy()
    await waitFor('no connection left', () => faults.server.connections.size === 0)
  })
})

describe('destroy() races', () => {
  it.each(['http', 'https'] as const)(
    'destroy() during a streamed body fails the stream typed (%s)',
    async (protocol) => {
      const faults = await start(protocol)
      const client = track(
        new Client({ baseUrl: faults.origin, ...(faults.ca ? { ca: faults.ca } : {}) }),
      )
      const res = await client.request({
        method: 'GET',
        path: '/fault/huge-body',
        query: { size: 256 * 1024 * 1024 },
      })
      expect(res.status).toBe(200)
      let bytes = 0
      const read = (async () => {
        for await (const chunk of res.body as AsyncIterable<Uint8Array>) {
          bytes += chunk.byteLength
          if (bytes > 1024 * 1024) client.destroy()
        }
      })()
      expect(await outcome(read)).toBe('FOO_ERR_DESTROYED')
      expect(bytes).toBeLessThan(64 * 1024 * 1024)
      expect(client.closed).toBe(true)
      expect(await outcome(client.get('/fault/ok'))).toMatch(/FOO_ERR_(CLOSED|DESTROYED)/)
      await waitFor('no connection left', () => faults.server.connections.size === 0)
    },
  )

  it('destroy() fails in-flight requests of every kind typed', async () => {
    const faults = await start()
    const client = track(new Client({ baseUrl: faults.origin }))
    const pending = ['never-respond', 'stall-body', 'slow-body', 'slow-headers'].map((fault) =>
      outcome(client.get(`/fault/${fault}`, { query: { ms: 2_000 } })),
    )
    await waitFor('4 requests at the server', () => faults.counts().requests === 4)
    client.destroy()
    expect(await Promise.all(pending)).toEqual(Array(4).fill('FOO_ERR_DESTROYED'))
    await waitFor('no connection left', () => faults.server.connections.size === 0)
  })
})

describe('two copies of @foo/client in one process', () => {
  it('share the registry, recognise each other’s errors, and both close under faults', async () => {
    const faults = await start()
    // Real copies of the BUILT package inside this package, so they resolve undici like node_modules would.
    const root = new URL('../../.cache/reliability-copies/', import.meta.url)
    await rm(root, { recursive: true, force: true })
    const load = async (name: string) => {
      const dir = new URL(`${name}/`, root)
      await mkdir(dir, { recursive: true })
      await cp(new URL('../../dist/', import.meta.url), dir, { recursive: true })
      return (await import(
        pathToFileURL(fileURLToPath(new URL('index.js', dir))).href
      )) as typeof import('@foo/client')
    }
    try {
      const [a, b] = await Promise.all([load('a'), load('b')])
      expect(a.Client).not.toBe(b.Client)
      const key = Symbol.for('@foo/client.lifecycle')
      const registry = (
        globalThis as Record<symbol, { entries(): Array<{ name: string; closed: boolean }> }>
      )[key]
      const exitListeners = process.listenerCount('exit')
      const clientA = new a.Client({ baseUrl: faults.origin })
      const clientB = new b.Client({ baseUrl: faults.origin })
      expect(process.listenerCount('exit') - exitListeners).toBeLessThanOrEqual(1)
      const calls = [
        'ok',
        'reset-before',
        'malformed-json',
        'status-503',
        'truncated',
        'idle-close',
      ].flatMap((fault) => [
        clientA.get(`/fault/${fault}`).catch((error: unknown) => error),
        clientB.get(`/fault/${fault}`).catch((error: unknown) => error),
      ])
      const results = await Promise.all(calls)
      for (const result of results.filter((r) => r instanceof Error)) {
        expect(a.isClientError(result)).toBe(true)
        expect(b.isClientError(result)).toBe(true)
      }
      expect(
        registry?.entries().filter((entry) => !entry.closed).length ?? 0,
      ).toBeGreaterThanOrEqual(2)
      await Promise.all([clientA.close(), clientB.close()])
      await waitFor('no connection left', () => faults.server.connections.size === 0)
    } finally {
      await rm(root, { recursive: true, force: true })
    }
  })
})

describe('clients inside worker threads', () => {
  it('4 workers under faults, never closing their clients, all end on their own and leave no socket', async () => {
    const faults = await start()
    const source = `
      import { workerData, parentPort } from 'node:worker_threads'
      import { Client } from ${JSON.stringify(pathToFileURL(fileURLToPath(new URL('../../dist/index.js', import.meta.url))).href)}
      const client = new Client({ baseUrl: workerData.origin, timeout: 2000, retry: 1 })
      const faults = ['ok', 'idle-close', 'reset-during', 'slow-body', 'status-429', 'ok', 'redirect', 'malformed-json']
      const results = await Promise.all(Array.from({ length: 40 }, (_, i) =>
        client.get('/fault/' + faults[i % faults.length], { query: { ms: 20 } }).then(() => 'ok', (e) => e.code ?? String(e))))
      parentPort.postMessage(results)
    `
    const workers = Array.from({ length: 4 }, (_, index) => {
      const worker = new Worker(new URL(`data:text/javascript,${encodeURIComponent(source)}`), {
        workerData: { origin: faults.origin },
      })
      const state = { index, posted: false, exited: false }
      const results = new Promise<string[]>((resolve, reject) => {
        worker.once('message', (message: string[]) => {
          state.posted = true
          resolve(message)
        })
        worker.once('error', reject)
      })
      const exit = new Promise<number>((resolve) =>
        worker.once('exit', (code) => {
          state.exited = true
          resolve(code)
        }),
      )
      // Exiting before posting means the thread's loop emptied while requests were still pending.
      const early = exit.then((code) => {
        if (!state.posted) {
          throw new Error(
            `worker ${index} exited (code ${code}) before its 40 requests settled: a pending request did not keep its thread alive`,
          )
        }
      })
      return {
        worker,
        state,
        done: Promise.race([
          Promise.all([results, exit]),
          early.then(() => new Promise<never>(() => {})),
        ]),
      }
    })
    // A worker that does not end on its own is the failure this test exists for: name it, then
    // terminate it so the test reports instead of hanging.
    let watchdog: NodeJS.Timeout | undefined
    const stuck = new Promise<string>((resolve) => {
      watchdog = setTimeout(() => {
        const states = workers.map(({ state }) => JSON.stringify(state)).join(' ')
        for (const { worker } of workers) void worker.terminate()
        resolve(`workers still running after 20 s: ${states}`)
      }, 20_000)
    })
    const done = await Promise.race([Promise.all(workers.map((w) => w.done)), stuck])
    clearTimeout(watchdog)
    if (typeof done === 'string') throw new Error(done)
    for (const [results, code] of done) {
      expect(code).toBe(0)
      expect(results).toHaveLength(40)
      for (const result of results) expect(result === 'ok' || KNOWN_CODES.has(result)).toBe(true)
      expect(results.filter((result) => result === 'ok').length).toBeGreaterThanOrEqual(10)
      expect(results).not.toContain('FOO_ERR_INVALID_ARGUMENT')
    }
    await waitFor('no connection left', () => faults.server.connections.size === 0)
  })
})
