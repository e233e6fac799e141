import http from 'node:http'
import https from 'node:https'
import { createRequire } from 'node:module'
import { pathToFileURL } from 'node:url'

/** Every HTTP client this repository compares, by its short name. */
export type PeerName =
  | 'client'
  | 'client-fast-exit'
  | 'undici'
  | 'undici-pool'
  | 'fetch'
  | 'axios'
  | 'got'
  | 'ky'
  | 'node-http'

/** Query parameters of {@link PeerClient.get}. */
export type PeerQuery = Readonly<Record<string, string | number>>

/** One client of one library, used the way that library's users use it: get JSON, close. */
export interface PeerClient {
  /** One GET of `path` on the origin, the JSON body parsed. */
  get(path: string, query?: PeerQuery): Promise<unknown>
  /** Closes what the client holds; idempotent (programs that never call it are the demo's point). */
  close(): Promise<void>
}

/** Makes one {@link PeerClient} for an origin, synchronously (thousands are made in a loop). */
export type MakePeerClient = (origin: string) => PeerClient

/** What {@link Peer.load} needs besides the library itself. */
export interface PeerOptions {
  /** A PEM CA to trust for `https:` origins (the observer's throwaway certificate). */
  ca?: string | undefined
  /**
   * The file URL of `@foo/client`'s entry (the workspace build, or a snapshot copy): testkit
   * cannot depend on `@foo/client`, whose tests depend on testkit. See {@link clientEntry}.
   */
  clientEntry?: string | undefined
}

/** A library in the catalog: loaded once, then `make(origin)` as often as needed. */
export interface Peer {
  readonly name: PeerName
  /** The name reports show: `@foo/client`, `undici.request`, `undici Pool`... */
  readonly label: string
  /** Imports the library (only this one: a program loads nothing else) and returns `make`. */
  load(options?: PeerOptions): Promise<MakePeerClient>
  /** It is `@foo/client` (with or without an opt-in): the scenarios of its own features apply. */
  readonly fooClient?: true
  /**
   * Why loading it changes the whole process, when it does: a process that loads it must load
   * no other `@foo/client` peer (they would share the change), so it runs in a process of its
   * own.
   */
  readonly processWide?: string
}

/** The part of `@foo/client` the catalog and the exit-path programs use. */
export interface ClientModule {
  Client: new (options: {
    baseUrl: string
    ca?: string
  }) => {
    get(path: string, options?: { query?: PeerQuery }): Promise<unknown>
    close(): Promise<void>
  }
  gracefulShutdown(options?: { timeoutMs?: number }): () => void
  preferFastExit(): void
}

/** A peer name that is not in the catalog, or `@foo/client` asked for without its entry. */
export class PeerError extends Error {
  readonly code = 'TESTKIT_ERR_PEER'
  override readonly name = 'PeerError'
}

/**
 * Imports `@foo/client` from `options.clientEntry`, else from `EXIT_CLIENT_ENTRY` (set by
 * `runChild` for its child programs).
 *
 * @example
 * ```ts
 * const { gracefulShutdown } = await importClient({ clientEntry })
 * ```
 */
export async function importClient(options: PeerOptions = {}): Promise<ClientModule> {
  const entry = options.clientEntry ?? process.env.EXIT_CLIENT_ENTRY
  if (!entry) {
    throw new PeerError(
      'the @foo/client peer needs the URL of its entry: pass { clientEntry: clientEntry(import.meta.url) } (or set EXIT_CLIENT_ENTRY)',
    )
  }
  return (await import(entry)) as ClientModule
}

const withQuery = (origin: string, path: string, query?: PeerQuery): string => {
  if (!query) return `${origin}${path}`
  const search = new URLSearchParams(
    Object.entries(query).map(([k, v]): [string, string] => [k, String(v)]),
  )
  return `${origin}${path}?${search}`
}

/**
 * The catalog: every peer behind one shape. Every one keeps connections alive and parses the
 * body, so they all do the same work. Adding a peer is one entry here; the demo, the bench and
 * the client's exit-path tests pick theirs by name.
 *
 * @example
 * ```ts
 * const make = await peer('got').load({ ca })
 * const api = make(observer.httpsOrigin)
 * await api.get('/json')
 * ```
 */
export const PEERS: readonly Peer[] = [
  {
    name: 'client',
    label: '@foo/client',
    fooClient: true,
    async load(options = {}) {
      const { Client } = await importClient(options)
      const ca = options.ca
      return (origin) => {
        const client = new Client({ baseUrl: origin, ...(ca !== undefined && { ca }) })
        return {
          get: (path, query) => client.get(path, query ? { query } : undefined),
          close: () => client.close(),
        }
      }
    },
  },
  {
    // How its users opt in: once, before the first request (the exit-latency mitigation).
    name: 'client-fast-exit',
    label: '@foo/client preferFastExit()',
    fooClient: true,
    processWide:
      "preferFastExit() is per process: it applies to the first connection of the process's copy of undici, whichever client makes it",
    async load(options = {}) {
      const { preferFastExit } = await importClient(options)
      preferFastExit()
      return peer('client').load(options)
    },
  },
  {
    name: 'undici',
    label: 'undici.request',
    async load(options = {}) {
      const { Agent, request } = await import('undici')
      const connect = options.ca === undefined ? {} : { connect: { ca: options.ca } }
      return (origin) => {
        const dispatcher = new Agent(connect)
        let closing: Promise<void> | undefined
        return {
          async get(path, query) {
            const { body } = await request(withQuery(origin, path, query), { dispatcher })
            return body.json()
          },
          close: () => (closing ??= dispatcher.close()),
        }
      }
    },
  },
  {
    name: 'undici-pool',
    label: 'undici Pool',
    async load(options = {}) {
      const { Pool } = await import('undici')
      const connect = options.ca === undefined ? {} : { connect: { ca: options.ca } }
      return (origin) => {
        const pool = new Pool(origin, connect)
        let closing: Promise<void> | undefined
        return {
          async get(path, query) {
            const { body } = await pool.request({ method: 'GET', path: withQuery('', path, query) })
            return body.json()
          },
          close: () => (closing ??= pool.close()),
        }
      }
    },
  },
  {
    name: 'fetch',
    label: 'fetch',
    // Global fetch trusts NODE_EXTRA_CA_CERTS only, which runChild sets for its children.
    async load() {
      return (origin) => ({
        async get(path, query) {
          const response = await fetch(withQuery(origin, path, query))
          return response.json()
        },
        close: async () => {},
      })
    },
  },
  {
    name: 'axios',
    label: 'axios',
    async load(options = {}) {
      const { default: axios } = await import('axios')
      return (origin) => {
        const httpAgent = new http.Agent({ keepAlive: true })
        const httpsAgent = new https.Agent({ keepAlive: true, ca: options.ca })
        const instance = axios.create({ baseURL: origin, httpAgent, httpsAgent })
        return {
          async get(path, query) {
            const response = await instance.get(path, { params: query })
            return response.data
          },
          close: async () => {
            httpAgent.destroy()
            httpsAgent.destroy()
          },
        }
      }
    },
  },
  {
    name: 'got',
    label: 'got',
    async load(options = {}) {
      const { default: got } = await import('got')
      return (origin) => {
        const agent = {
          http: new http.Agent({ keepAlive: true }),
          https: new https.Agent({ keepAlive: true }),
        }
        const instance = got.extend({
          prefixUrl: origin,
          agent,
          retry: { limit: 0 },
          ...(options.ca !== undefined && { https: { certificateAuthority: options.ca } }),
        })
        return {
          get: (path, query) =>
            instance
              .get(path.replace(/^\//, ''), query ? { searchParams: { ...query } } : {})
              .json(),
          close: async () => {
            agent.http.destroy()
            agent.https.destroy()
          },
        }
      }
    },
  },
  {
    name: 'ky',
    label: 'ky',
    // ky is fetch underneath: HTTPS trust comes from NODE_EXTRA_CA_CERTS, as for fetch.
    async load() {
      const { default: ky } = await import('ky')
      return (origin) => {
        const instance = ky.create({ prefixUrl: origin, retry: 0, timeout: false })
        return {
          get: (path, query) =>
            instance
              .get(path.replace(/^\//, ''), query ? { searchParams: { ...query } } : {})
              .json(),
          close: async () => {},
        }
      }
    },
  },
  {
    // No client library: Node's own http/https with a keep-alive Agent. The floor of the
    // exit-latency comparison, since it has no WebAssembly parser for the exit to wait for.
    name: 'node-http',
    label: 'node:http',
    async load(options = {}) {
      return (origin) => {
        const secure = origin.startsWith('https:')
        const agent = secure
          ? new https.Agent({ keepAlive: true, ca: options.ca })
          : new http.Agent({ keepAlive: true })
        const get = secure ? https.get : http.get
        return {
          get: (path, query) =>
            new Promise((resolve, reject) => {
              get(withQuery(origin, path, query), { agent }, (response) => {
                const chunks: Buffer[] = []
                response.on('data', (chunk: Buffer) => chunks.push(chunk))
                response.on('error', reject)
                response.on('end', () => {
                  try {
                    resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')))
                  } catch (error) {
                    reject(error)
                  }
                })
              }).on('error', reject)
            }),
          close: async () => agent.destroy(),
        }
      }
    },
  },
]

/**
 * The catalog entry called `name`; throws a {@link PeerError} listing the names otherwise.
 *
 * @example
 * ```ts
 * const make = await peer('undici').load()
 * ```
 */
export function peer(name: string): Peer {
  const found = PEERS.find((p) => p.name === name)
  if (!found) {
    throw new PeerError(`no peer '${name}'; the catalog has ${PEERS.map((p) => p.name).join(', ')}`)
  }
  return found
}

/**
 * The file URL of `@foo/client`'s entry as the package at `parentUrl` resolves it: what the
 * client's tests and the demo pass as {@link PeerOptions.clientEntry}.
 *
 * @example
 * ```ts
 * const entry = clientEntry(import.meta.url) // 'file:///.../packages/client/dist/index.js'
 * ```
 */
export function clientEntry(parentUrl: string | URL): string {
  return pathToFileURL(createRequire(parentUrl).resolve('@foo/client')).href
}
