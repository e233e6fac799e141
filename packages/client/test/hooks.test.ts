import { inspect } from 'node:util'
import { startServer } from '@foo/testkit'
import { describe, expect, it, onTestFinished } from 'vitest'
import { Client, ClientError, type HookRequest, HttpError } from '../src/index.js'
import { expectClientError, failOnUnhandledRejections } from './helpers/expect.js'

failOnUnhandledRejections()

/** A server that wants `authorization: Bearer <valid>`; records what each request carried. */
async function api(valid: string, seen: Array<Record<string, unknown>> = []) {
  let requests = 0
  const server = await startServer({
    handler: (req, res) => {
      requests++
      seen.push({
        path: req.url,
        authorization: req.headers.authorization,
        trace: req.headers['x-trace'],
      })
      if (req.url === '/flaky' && requests === 1) return res.writeHead(503).end()
      if (req.headers.authorization !== `Bearer ${valid}`)
        return res.writeHead(401).end('{"error":"token"}')
      res.setHeader('content-type', 'application/json')
      res.end(JSON.stringify({ ok: true, path: req.url }))
    },
  })
  onTestFinished(() => server.close())
  return server
}

function make(origin: string, options: object) {
  const client = new Client({ baseUrl: origin, ...options })
  onTestFinished(() => client.close())
  return client
}

describe('hooks', () => {
  it('beforeRequest may fetch a token asynchronously, for JSON methods and request() alike', async () => {
    const server = await api('t1')
    const client = make(server.origin, {
      hooks: {
        beforeRequest: [
          async (request: HookRequest) => {
            await new Promise((resolve) => setImmediate(resolve))
            request.headers.authorization = 'Bearer t1'
          },
        ],
      },
    })
    expect(await client.get('/a')).toEqual({ ok: true, path: '/a' })
    expect((await client.request({ method: 'GET', path: '/b' })).status).toBe(200)
  })

  it('a header value may be a sync or async function, called per request', async () => {
    const seen: Array<Record<string, unknown>> = []
    const server = await api('t2', seen)
    let n = 0
    const client = make(server.origin, {
      headers: { authorization: async () => 'Bearer t2', 'x-trace': () => `trace-${++n}` },
    })
    await client.get('/a')
    await client.get('/b', { headers: { 'x-trace': () => 'per-call' } })
    expect(seen.map((s) => s.trace)).toEqual(['trace-1', 'per-call'])
  })

  it('afterResponse retries once after a 401 and a refresh; beforeRequest runs again', async () => {
    const seen: Array<Record<string, unknown>> = []
    const server = await api('fresh', seen)
    let token = 'stale'
    const retries: unknown[] = []
    const client = make(server.origin, {
      headers: { authorization: () => `Bearer ${token}` },
      hooks: {
        afterResponse: [
          (response: { status: number }) => {
            if (response.status !== 401) return
            token = 'fresh'
            return 'retry' as const
          },
        ],
        beforeRetry: [(_r: HookRequest, reason: unknown) => void retries.push(reason)],
      },
    })
    expect(await client.get('/me')).toEqual({ ok: true, path: '/me' })
    expect(seen.map((s) => s.authorization)).toEqual(['Bearer stale', 'Bearer fresh'])
    expect(retries).toEqual([{ attempt: 1, delay: 0, status: 401 }])
  })

  it('asks for a retry at most once per call', async () => {
    const seen: Array<Record<string, unknown>> = []
    const server = await api('never', seen)
    const client = make(server.origin, { hooks: { afterResponse: [() => 'retry' as const] } })
    const error = await expectClientError(client.get('/x'), HttpError, 'FOO_ERR_HTTP')
    expect(error.status).toBe(401)
    expect(seen).toHaveLength(2)
  })

  it('beforeRetry sees each automatic retry with its status and delay', async () => {
    const server = await api('t')
    const reasons: unknown[] = []
    const client = make(server.origin, {
      headers: { authorization: 'Bearer t' },
      retry: { limit: 1, minDelay: 1, maxDelay: 1 },
      hooks: {
        beforeRetry: [
          (_r: HookRequest, reason: { status?: number; attempt: number }) =>
            void reasons.push([reason.status, reason.attempt]),
        ],
      },
    })
    await client.get('/flaky')
    expect(reasons).toEqual([[503, 1]])
  })

  it('beforeError may replace the error; per-call hooks run after the client ones', async () => {
    class ApiError extends Error {}
    const order: string[] = []
    const server = await api('t')
    const client = make(server.origin, {
      hooks: {
        beforeError: [
          (error: ClientError) => {
            order.push('client')
            return error
          },
        ],
      },
    })
    const thrown = await client
      .get('/x', {
        hooks: {
          beforeError: [
            (error: ClientError) => {
              order.push('call')
              return new ApiError(`wrapped: ${error.code}`, { cause: error })
            },
          ],
        },
      })
      .catch((err: unknown) => err)
    expect(thrown).toBeInstanceOf(ApiError)
    expect((thrown as Error).message).toBe('wrapped: FOO_ERR_HTTP')
    expect(order).toEqual(['client', 'call'])
  })

  it('a hook that throws is FOO_ERR_HOOK, with the request secrets scrubbed from its text', async () => {
    const server = await api('t')
    const client = make(server.origin, {
      headers: { authorization: 'Bearer sekrit-token-123' },
      hooks: {
        beforeRequest: [
          (request: HookRequest) => {
            throw new Error(`cannot sign ${String(request.headers.authorization)}`)
          },
        ],
      },
    })
    const error = await expectClientError(client.get('/x'), ClientError, 'FOO_ERR_HOOK')
    expect(error.message).toContain('a beforeRequest hook threw')
    for (const text of [error.message, inspect(error, { depth: 5 }), JSON.stringify(error)]) {
      expect(text).not.toContain('sekrit-token-123')
    }
  })

  it('a header function that throws is FOO_ERR_HOOK; a ClientError thrown by a hook is kept', async () => {
    const server = await api('t')
    const failing = make(server.origin, {
      headers: {
        authorization: () => {
          throw new Error('vault down')
        },
      },
    })
    const error = await expectClientError(failing.get('/x'), ClientError, 'FOO_ERR_HOOK')
    expect(error.message).toContain('a header function threw: vault down')
    const typed = new ClientError('FOO_ERR_TIMEOUT', 'token endpoint timed out')
    const keeping = make(server.origin, { hooks: { beforeRequest: [() => Promise.reject(typed)] } })
    expect(await keeping.get('/x').catch((e: unknown) => e)).toBe(typed)
  })

  it('a header a hook sets is validated: a managed one or a CR/LF is FOO_ERR_INVALID_ARGUMENT, nothing sent', async () => {
    const seen: Array<Record<string, unknown>> = []
    const server = await api('t', seen)
    for (const bad of [{ host: 'evil' }, { 'x-a': 'a\r\nx-injected: 1' }]) {
      const client = make(server.origin, {
        hooks: { beforeRequest: [(r: HookRequest) => void Object.assign(r.headers, bad)] },
      })
      await expectClientError(client.get('/x'), ClientError, 'FOO_ERR_INVALID_ARGUMENT')
    }
    expect(seen).toHaveLength(0)
  })

  it('unknown hook names and non-functions are refused at construction', () => {
    expect(
      () => new Client({ baseUrl: 'http://x.test', hooks: { beforeReqest: [] } as never }),
    ).toThrow(/unknown hook "beforeReqest"/)
    expect(
      () => new Client({ baseUrl: 'http://x.test', hooks: { beforeRequest: ['x'] } as never }),
    ).toThrow(/must be an array of functions/)
  })
})
