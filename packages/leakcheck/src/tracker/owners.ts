import http from 'node:http'
import https from 'node:https'
import { symbolValue } from './liveness.js'
import type { HandleRecord } from './records.js'
import type { HandleOwner } from './types.js'

/** The part of `@foo/client`'s lifecycle registry (protocol version 1) we read. */
interface LifecycleRegistryView {
  version: number
  ownerOf(
    socket: object,
  ): { name: string; createdAt: string; reachable: boolean; closed?: boolean } | undefined
}

const registryKey = Symbol.for('@foo/client.lifecycle')
const GLOBAL_DISPATCHERS = [
  Symbol.for('undici.globalDispatcher.1'),
  Symbol.for('undici.globalDispatcher.2'),
]

function fooClientOf(
  socket: object,
): { owner: HandleOwner & { type: 'foo-client' }; closing: boolean } | undefined {
  const registry = (globalThis as Record<symbol, unknown>)[registryKey] as
    | LifecycleRegistryView
    | undefined
  if (registry?.version !== 1 || typeof registry.ownerOf !== 'function') return undefined
  try {
    const owner = registry.ownerOf(socket)
    if (owner === undefined) return undefined
    return {
      owner: {
        type: 'foo-client',
        name: owner.name,
        createdAt: owner.createdAt,
        reachable: owner.reachable,
      },
      closing: !owner.reachable || owner.closed === true,
    }
  } catch {
    return undefined
  }
}

/**
 * This realm's global object and the main realm's. In Vitest's vm pools a test runs in a
 * vm context, while Node's built-in `fetch` keeps its pool on the main realm's global.
 */
function realms(): object[] {
  const own = globalThis
  try {
    // `process` comes from the main realm: its Function constructor evaluates there.
    const main = (process.constructor.constructor as FunctionConstructor)('return this')() as object
    return main === own ? [own] : [own, main]
  } catch {
    return [own]
  }
}

/** undici dispatchers reachable from `root` (Agent -> Pool -> Client), and the Clients among them. */
function collectUndiciClients(root: unknown, into: WeakSet<object>, depth = 0): void {
  if (typeof root !== 'object' || root === null || depth > 4) return
  if (symbolValue(root, 'socket') !== undefined || symbolValue(root, 'url') !== undefined) {
    into.add(root)
  }
  const clients = symbolValue(root, 'clients')
  // Not `instanceof Map`: the pool may live in another realm (Node's fetch, seen from a vm pool).
  const children: unknown[] = Array.isArray(clients)
    ? [...clients]
    : Object.prototype.toString.call(clients) === '[object Map]'
      ? [...(clients as Map<unknown, unknown>).values()]
      : []
  // Wrappers (ProxyAgent, RetryAgent, EnvHttpProxyAgent) keep their Agent under a symbol.
  for (const name of ['agent', 'proxy agent', 'no proxy agent', 'http proxy agent', 'dispatcher']) {
    const inner = symbolValue(root, name)
    if (inner !== undefined) children.push(inner)
  }
  for (const child of children) {
    // undici 7 keeps `{ count, dispatcher }` per origin; undici 8 the dispatcher itself.
    const dispatcher =
      typeof child === 'object' && child !== null && 'dispatcher' in child
        ? (child as { dispatcher: unknown }).dispatcher
        : child
    collectUndiciClients(dispatcher, into, depth + 1)
  }
}

/** How an undici client connection looks from its socket. */
interface UndiciClientView {
  closed?: boolean
  destroyed?: boolean
}

/**
 * Works out who owns each socket: its server, its pool, its HTTP/2 session or its
 * `@foo/client`. One instance per snapshot: the global pools are walked once, lazily.
 */
export class Owners {
  readonly #ids: WeakMap<object, number>
  readonly #agents: WeakMap<object, object>
  readonly #sessions: WeakMap<object, object>
  #globalClients: WeakSet<object> | undefined

  constructor(
    ids: WeakMap<object, number>,
    agents: WeakMap<object, object>,
    sessions: WeakMap<object, object>,
  ) {
    this.#ids = ids
    this.#agents = agents
    this.#sessions = sessions
  }

  #idOf(object: object): number {
    let id = this.#ids.get(object)
    if (id === undefined) {
      id = nextOwnerId++
      this.#ids.set(object, id)
    }
    return id
  }

  #isGlobalUndici(client: object): boolean {
    if (this.#globalClients === undefined) {
      this.#globalClients = new WeakSet()
      for (const realm of realms()) {
        for (const key of GLOBAL_DISPATCHERS) {
          collectUndiciClients((realm as Record<symbol, unknown>)[key], this.#globalClients)
        }
      }
    }
    return this.#globalClients.has(client)
  }

  /** The owner of a socket record, and whether that owner is shutting the socket down. */
  ofSocket(
    record: HandleRecord,
    socket: object,
    serverIdOf: (server: object) => number | undefined,
  ): { owner?: HandleOwner; closing: boolean } {
    const foo = fooClientOf(socket)
    // A collected client's finalizer closes its pool; a closed one is closing it already.
    if (foo !== undefined) return { owner: foo.owner, closing: foo.closing }
    const server = (socket as { server?: object | null }).server
    if (server !== null && server !== undefined) {
      const id = serverIdOf(server)
      if (id !== undefined) {
        const name = (server as { constructor?: { name?: string } }).constructor?.name ?? ''
        const owner: HandleOwner = { type: 'server', id }
        if (name.startsWith('Http2')) owner.protocol = 'http2'
        return { owner, closing: false }
      }
    }
    if (record.pool === 'undici') {
      const client = symbolValue(socket, 'client') as (object & UndiciClientView) | undefined
      if (client !== undefined && client !== null) {
        return {
          owner: {
            type: 'pool',
            pool: 'undici',
            global: this.#isGlobalUndici(client),
            id: this.#idOf(client),
          },
          closing: client.closed === true || client.destroyed === true,
        }
      }
      return { owner: { type: 'pool', pool: 'undici', global: false, id: 0 }, closing: false }
    }
    const session = this.#sessions.get(socket)
    if (session !== undefined) {
      const view = session as { closed?: boolean; destroyed?: boolean }
      const state = symbolValue(session, 'state') as { streams?: Map<unknown, unknown> } | undefined
      return {
        owner: {
          type: 'http2-session',
          id: this.#idOf(session),
          streams: state?.streams?.size ?? 0,
        },
        closing: view.closed === true || view.destroyed === true,
      }
    }
    const agent = this.#agents.get(socket)
    if (agent !== undefined) {
      return {
        owner: {
          type: 'pool',
          pool: 'node:http',
          global: agent === http.globalAgent || agent === https.globalAgent,
          id: this.#idOf(agent),
        },
        closing: false,
      }
    }
    const listeners = (socket as { listenerCount?: (event: string) => number }).listenerCount
    // A node:http Agent listens for 'free' on every socket it owns.
    if (typeof listeners === 'function' && listeners.call(socket, 'free') > 0) {
      return { owner: { type: 'pool', pool: 'node:http', global: false, id: 0 }, closing: false }
    }
    return { closing: false }
  }
}

let nextOwnerId = 1
