import { startServer, type TestServer } from '@foo/testkit'
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest'
import { Client, ClientError, gracefulShutdown } from '../src/index.js'
import { expectClientError, failOnUnhandledRejections } from './helpers/expect.js'

failOnUnhandledRejections()

// Options at their limits (timers past 2^31 - 1 ms, signals that cannot be caught) fail typed,
// and messages name what was wrong once.
let server: TestServer

beforeAll(async () => {
  server = await startServer({
    handler: (req, res) => {
      if (req.url === '/no-location') {
        res.statusCode = 302
        res.end()
        return
      }
      res.setHeader('content-type', 'application/json')
      res.end('{"ok":true}')
    },
  })
})

afterAll(async () => {
  await server.close()
})

describe('redirect error messages', () => {
  it('name the method once (the label already carries it)', async () => {
    const client = new Client({ baseUrl: server.origin })
    onTestFinished(() => client.destroy())
    const error = await expectClientError(
      client.get('/no-location'),
      ClientError,
      'FOO_ERR_REDIRECT',
    )
    expect(error.message).toBe(
      `GET ${server.origin}/no-location responded 302 without a Location header.`,
    )
  })
})

describe('delays beyond what a Node timer can hold (2^31 - 1 ms)', () => {
  const tooLong = 2 ** 31

  it('are FOO_ERR_INVALID_ARGUMENT in the options, not a 1 ms timeout with a TimeoutOverflowWarning', () => {
    for (const options of [
      { timeout: tooLong },
      { retry: { limit: 1, maxDelay: tooLong } },
      { retry: { limit: 1, minDelay: tooLong, maxDelay: tooLong } },
    ]) {
      expect(() => new Client({ baseUrl: server.origin, ...options })).toThrow(
        expect.objectContaining({ code: 'FOO_ERR_INVALID_ARGUMENT' }),
      )
    }
  })

  it('are FOO_ERR_INVALID_ARGUMENT per call, and so is a timeout that cannot be printed', async () => {
    const client = new Client({ baseUrl: server.origin })
    onTestFinished(() => client.destroy())
    await expectClientError(
      client.get('/x', { timeout: tooLong }),
      ClientError,
      'FOO_ERR_INVALID_ARGUMENT',
    )
    await expectClientError(
      client.get('/x', { timeout: Object.create(null) }),
      ClientError,
      'FOO_ERR_INVALID_ARGUMENT',
    )
    // The largest valid timeout still works.
    await expect(client.get('/x', { timeout: tooLong - 1 })).resolves.toEqual({ ok: true })
  })

  it('are FOO_ERR_INVALID_ARGUMENT for gracefulShutdown({ timeoutMs })', () => {
    expect(() => gracefulShutdown({ timeoutMs: tooLong })).toThrow(
      expect.objectContaining({ code: 'FOO_ERR_INVALID_ARGUMENT' }),
    )
  })
})

describe('gracefulShutdown({ signals }) with a signal that cannot be caught', () => {
  it.each([['SIGKILL'], ['SIGSTOP'], ['SIGNOPE']])(
    '%s is FOO_ERR_INVALID_ARGUMENT and leaves no listener behind',
    (bad) => {
      const before = process.listenerCount('SIGINT')
      expect(() => gracefulShutdown({ signals: ['SIGINT', bad as NodeJS.Signals] })).toThrow(
        expect.objectContaining({ code: 'FOO_ERR_INVALID_ARGUMENT' }),
      )
      expect(process.listenerCount('SIGINT')).toBe(before)
      // A later valid install still removes all it added.
      const uninstall = gracefulShutdown({ signals: ['SIGINT'] })
      uninstall()
      expect(process.listenerCount('SIGINT')).toBe(before)
    },
  )
})
