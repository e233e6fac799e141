import { startServer, type TestServer } from '@foo/testkit'
import { afterAll, afterEach, beforeAll, describe, expect, it, onTestFinished } from 'vitest'
import { Client } from '../src/index.js'

let server: TestServer
const nativeFetch = globalThis.fetch
beforeAll(async () => {
  server = await startServer()
})
afterEach(() => {
  globalThis.fetch = nativeFetch
  delete (globalThis as Record<symbol, unknown>)[Symbol.for('fetch-interceptor')]
})
afterAll(() => server.close())

function wrappedFetch(calls: string[]): typeof fetch {
  return (input, init) => {
    calls.push(String(input))
    return nativeFetch(input, init)
  }
}

describe('which transport a request takes', () => {
  it('keeps the fast path when something other than a mocking library replaced fetch', async () => {
    const calls: string[] = []
    globalThis.fetch = wrappedFetch(calls)
    const client = new Client({ baseUrl: server.origin })
    onTestFinished(() => client.destroy())
    expect(await client.get('/')).toEqual({ ok: true })
    expect(calls).toEqual([])
  })

  it('goes through fetch while an @mswjs/interceptors fetch interceptor has replaced it', async () => {
    const calls: string[] = []
    globalThis.fetch = wrappedFetch(calls)
    ;(globalThis as Record<symbol, unknown>)[Symbol.for('fetch-interceptor')] = {}
    const client = new Client({ baseUrl: server.origin })
    onTestFinished(() => client.destroy())
    expect(await client.get('/users')).toEqual({ ok: true })
    expect(calls).toEqual([`${server.origin}/users`])
  })
})
