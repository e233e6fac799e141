// The three ways a program talks to the observer, used the way each library's users do:
// `client`: a `class Api extends Client` from @foo/client, never closed;
// `undici`: an undici Agent, never closed (baseline);
// `fetch`:  Node's global fetch (baseline).
// Configured by the demo runner through the environment, which worker threads and forked
// children inherit: DEMO_LIBRARY, DEMO_ORIGIN, DEMO_CA_FILE (NODE_EXTRA_CA_CERTS for fetch).
import { readFileSync } from 'node:fs'

export const library = process.env.DEMO_LIBRARY ?? 'client'
const origin = process.env.DEMO_ORIGIN
if (!origin) throw new Error('scenario: DEMO_ORIGIN is not set; run scenarios through `pnpm demo`')
const ca = process.env.DEMO_CA_FILE ? readFileSync(process.env.DEMO_CA_FILE, 'utf8') : undefined

/** Prints a line the runner parses: `@@demo {"event":..., "at": epoch ms}`. */
export function mark(event, extra = {}) {
  process.stdout.write(`@@demo ${JSON.stringify({ event, at: Date.now(), ...extra })}\n`)
}

/** Makes one API object: `getFoo()`, `getSlow(ms)`, `getLarge(bytes)`. */
export async function createApi() {
  return (await factory())()
}

/** Returns a synchronous factory, for scenarios that make thousands of API objects. */
export async function factory() {
  if (library === 'client') {
    const { Client } = await import('@foo/client')
    class Api extends Client {
      getFoo() {
        return this.get('/json')
      }
      getSlow(ms) {
        return this.get('/slow', { query: { ms } })
      }
      getLarge(bytes) {
        return this.get('/large', { query: { bytes } })
      }
    }
    return () => new Api({ baseUrl: origin, ca })
  }
  if (library === 'undici') {
    const { Agent, request } = await import('undici')
    return () => {
      const dispatcher = new Agent({ connect: { ca } })
      const get = async (path) => {
        const res = await request(`${origin}${path}`, { dispatcher })
        return res.body.json()
      }
      return {
        getFoo: () => get('/json'),
        getSlow: (ms) => get(`/slow?ms=${ms}`),
        getLarge: (bytes) => get(`/large?bytes=${bytes}`),
      }
    }
  }
  if (library === 'fetch') {
    const get = async (path) => (await fetch(`${origin}${path}`)).json()
    return () => ({
      getFoo: () => get('/json'),
      getSlow: (ms) => get(`/slow?ms=${ms}`),
      getLarge: (bytes) => get(`/large?bytes=${bytes}`),
    })
  }
  throw new Error(`scenario: unknown DEMO_LIBRARY ${library}; use client, undici or fetch`)
}

/** Installs the library's own graceful shutdown; only @foo/client has one. */
export async function installGracefulShutdown() {
  if (library !== 'client') throw new Error(`scenario: ${library} has no gracefulShutdown`)
  const { gracefulShutdown } = await import('@foo/client')
  return gracefulShutdown({ timeoutMs: 5000 })
}

/** The seed's program: a few requests on one API object, then nothing else. */
export async function useApi(api) {
  await api.getFoo()
  await api.getFoo()
  await Promise.all([api.getFoo(), api.getFoo()])
  mark('last-response')
}
