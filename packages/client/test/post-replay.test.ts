import { type FaultServer, startFaultServer } from '@foo/testkit'
import { describe, expect, it, onTestFinished } from 'vitest'
import { Client, ClientError, type RetryOptions } from '../src/index.js'
import { expectClientError, failOnUnhandledRejections } from './helpers/expect.js'

failOnUnhandledRejections()

// A server that read a POST and closed without answering may have acted on it: only it knows.
// So a POST or PATCH is never sent twice, not even on a reused keep-alive socket, unless the
// request carries an Idempotency-Key or the caller listed the method in retry.methods.

async function setup(retry: RetryOptions): Promise<{ server: FaultServer; client: Client }> {
  const server = await startFaultServer({ keepAliveTimeout: 60_000 })
  onTestFinished(() => server.close())
  const client = new Client({ baseUrl: server.origin, retry })
  onTestFinished(() => client.destroy())
  return { server, client }
}

/** One answered request, so that the next goes out on the same, now idle, keep-alive socket. */
async function warmUp(client: Client): Promise<void> {
  await client.post('/x', { headers: { 'x-fault': 'ok', 'x-request-id': 'warm-up' }, body: {} })
  // undici validates an idle socket for one turn of the loop before reusing it.
  for (let i = 0; i < 2; i++) await new Promise((resolve) => setImmediate(resolve))
}

const dropped = (id: string, headers: Record<string, string> = {}) => ({
  headers: { 'x-fault': 'close-after-read', 'x-request-id': id, ...headers },
  body: { order: id },
})

describe('a POST the server read, then closed without answering', () => {
  it.each(['post', 'patch'] as const)(
    'a %s on a reused keep-alive socket is not sent again, even with retries on',
    async (method) => {
      const { server, client } = await setup({ limit: 2, minDelay: 0, maxDelay: 0 })
      await warmUp(client)
      await expectClientError(
        client[method]('/orders', dropped('once')),
        ClientError,
        'FOO_ERR_CONNECTION',
      )
      const seen = server.requests().get('once')
      expect(seen?.reused, 'it went out on the reused socket').toEqual([true])
      expect(seen?.attempts, 'the server saw it once').toBe(1)
    },
  )

  it('is sent again when it carries an Idempotency-Key', async () => {
    const { server, client } = await setup({ limit: 1, minDelay: 0, maxDelay: 0 })
    await warmUp(client)
    await expectClientError(
      client.post('/orders', dropped('keyed', { 'idempotency-key': 'order-42' })),
      ClientError,
      'FOO_ERR_CONNECTION',
    )
    expect(server.requests().get('keyed')?.attempts).toBe(2)
  })

  it('is sent again when the caller lists POST in retry.methods', async () => {
    const { server, client } = await setup({
      limit: 1,
      minDelay: 0,
      maxDelay: 0,
      methods: ['GET', 'post'],
    })
    await expectClientError(
      client.post('/orders', dropped('listed')),
      ClientError,
      'FOO_ERR_CONNECTION',
    )
    expect(server.requests().get('listed')?.attempts).toBe(2)
  })

  it('retry.methods replaces the default list: a GET not listed is not retried', async () => {
    const { server, client } = await setup({
      limit: 1,
      minDelay: 0,
      maxDelay: 0,
      methods: ['POST'],
    })
    await expectClientError(
      client.get('/orders', { headers: { 'x-fault': 'close-after-read', 'x-request-id': 'get' } }),
      ClientError,
      'FOO_ERR_CONNECTION',
    )
    expect(server.requests().get('get')?.attempts).toBe(1)
  })

  it('bad retry.methods is FOO_ERR_INVALID_ARGUMENT', () => {
    for (const methods of ['POST', [42], ['PO ST']]) {
      expect(
        () => new Client({ baseUrl: 'http://127.0.0.1:1', retry: { limit: 1, methods } as never }),
      ).toThrow(expect.objectContaining({ code: 'FOO_ERR_INVALID_ARGUMENT' }))
    }
  })
})
