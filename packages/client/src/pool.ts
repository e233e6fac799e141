import type { Dispatcher } from 'undici'
import type { Calls } from './call.js'
import type { ResourceHooks } from './lifecycle/entry.js'
import { type Managed, track } from './lifecycle/manage.js'
import { createAgent } from './transport.js'

/** What a client's own connection pool is opened with. */
export interface PoolOptions {
  ca: Array<string | Buffer> | undefined
  /** `'env'` or a proxy URL: the pool is then undici's EnvHttpProxyAgent or ProxyAgent. */
  proxy: 'env' | URL | undefined
  /** The client's per-attempt timeout: connecting is capped by it too. */
  timeout: number
  /** Shown in leak reports: the client's class name. */
  name: string
  /** Where the client was created, formatted. */
  createdAt: string
}

/** A client's own undici Agent and its entry in the lifecycle registry. */
export interface Pool {
  agent: Dispatcher
  managed: Managed
}

/**
 * Opens a client's own connection pool, on its first request: an Agent whose sockets are
 * recorded as the client's (leak reports name it), registered with the lifecycle so that it is
 * closed when `owner` is collected, destroyed at exit, and drained by `gracefulShutdown` with
 * the client's own close semantics (`calls`).
 *
 * Nothing created here may reference `owner`: the registry keeps the Agent and its hooks alive,
 * and through them anything they reference, so the client could never be collected.
 */
export function openPool(owner: object, options: PoolOptions, calls: Calls): Pool {
  const adoptInto: { managed?: Managed } = {}
  const agent = createAgent({
    ca: options.ca,
    proxy: options.proxy,
    // undici's default is 10 s; a shorter client timeout bounds connecting too.
    connectTimeout: Math.min(options.timeout, 10_000),
    onSocket: (socket) => adoptInto.managed?.adopt(socket),
  })
  const managed = track(owner, agent, poolHooks(calls), options.name, options.createdAt)
  adoptInto.managed = managed
  return { agent, managed }
}

function poolHooks(calls: Calls): ResourceHooks<Dispatcher> {
  return {
    close(agent) {
      calls.stop('close')
      return agent.close()
    },
    destroy(agent) {
      calls.stop('destroy')
      agent.destroy().catch(ignore)
    },
  }
}

function ignore(): void {}
