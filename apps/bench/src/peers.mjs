/**
 * The HTTP clients compared, each behind the same shape: `get()` one JSON document, parsed.
 * Every peer keeps connections alive and parses the body, so they all do the same work.
 *
 * @module
 */
import http from 'node:http'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { packageDir } from './install.mjs'

/** Reference peer for every ratio. */
export const REFERENCE = 'undici.request'

/**
 * @typedef {object} Peer
 * @property {string} name
 * @property {() => Promise<unknown>} get one GET of the JSON document, parsed
 * @property {() => Promise<void>} close
 */

/**
 * @typedef {object} PeerFactory
 * @property {string} name
 * @property {(origin: string) => Promise<Peer>} create
 */

/**
 * Loads `@foo/client` (the run's snapshot, else the workspace build) and checks it can do a
 * request; `undefined` while it is not built yet.
 *
 * @example
 * const Client = await loadFooClient()
 * @returns {Promise<(new (options: { baseUrl: string }) => { get(path: string): Promise<unknown>, close(): Promise<void> }) | undefined>}
 */
export async function loadFooClient() {
  try {
    const entry = join(packageDir('client'), 'dist', 'index.js')
    const { Client } = /** @type {typeof import('@foo/client')} */ (
      await import(pathToFileURL(entry).href)
    )
    /** @type {{ prototype?: Record<string, unknown> }} */
    const loose = /** @type {never} */ (Client)
    if (typeof loose.prototype?.get !== 'function') return undefined
    return /** @type {never} */ (Client)
  } catch {
    return undefined
  }
}

/** @type {PeerFactory[]} */
export const PEERS = [
  {
    name: '@foo/client',
    async create(origin) {
      const Client = await loadFooClient()
      if (!Client) throw new PendingError('@foo/client has no working Client.get() yet')
      const client = new Client({ baseUrl: origin })
      return { name: this.name, get: () => client.get('/users'), close: () => client.close() }
    },
  },
  {
    name: REFERENCE,
    async create(origin) {
      const { Agent, request } = await import('undici')
      const dispatcher = new Agent()
      const url = `${origin}/users`
      return {
        name: this.name,
        async get() {
          const { body } = await request(url, { dispatcher })
          return body.json()
        },
        close: () => dispatcher.close(),
      }
    },
  },
  {
    name: 'undici Pool',
    async create(origin) {
      const { Pool } = await import('undici')
      const pool = new Pool(origin)
      return {
        name: this.name,
        async get() {
          const { body } = await pool.request({ method: 'GET', path: '/users' })
          return body.json()
        },
        close: () => pool.close(),
      }
    },
  },
  {
    name: 'fetch',
    async create(origin) {
      const url = `${origin}/users`
      return {
        name: this.name,
        async get() {
          const response = await fetch(url)
          return response.json()
        },
        close: async () => {},
      }
    },
  },
  {
    name: 'axios',
    async create(origin) {
      const { default: axios } = await import('axios')
      const httpAgent = new http.Agent({ keepAlive: true })
      const instance = axios.create({ baseURL: origin, httpAgent })
      return {
        name: this.name,
        async get() {
          const response = await instance.get('/users')
          return response.data
        },
        close: async () => httpAgent.destroy(),
      }
    },
  },
  {
    name: 'got',
    async create(origin) {
      const { default: got } = await import('got')
      const agent = new http.Agent({ keepAlive: true })
      const instance = got.extend({
        prefixUrl: origin,
        agent: { http: agent },
        retry: { limit: 0 },
      })
      return {
        name: this.name,
        get: () => instance.get('users').json(),
        close: async () => agent.destroy(),
      }
    },
  },
  {
    name: 'ky',
    async create(origin) {
      const { default: ky } = await import('ky')
      const instance = ky.create({ prefixUrl: origin, retry: 0 })
      return {
        name: this.name,
        get: () => instance.get('users').json(),
        close: async () => {},
      }
    },
  },
]

/** A peer that cannot run yet (the package under test is still a stub): its rows say "pending". */
export class PendingError extends Error {
  /** @param {string} message */
  constructor(message) {
    super(message)
    this.name = 'PendingError'
    this.code = 'BENCH_PENDING'
  }
}
