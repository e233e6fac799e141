/**
 * `@foo/client/lifecycle`: the process-wide machinery that closes `@foo/client`'s connections,
 * public for any closable resource (a DB pool, a websocket): {@link manage} ties a resource to
 * an owner object; it is closed when the owner is garbage-collected, destroyed at process exit,
 * and drained by {@link gracefulShutdown}.
 *
 * @packageDocumentation
 */
export {
  type GracefulShutdownOptions,
  gracefulShutdown,
} from './lifecycle/graceful.js'
export {
  type Managed,
  type ManageOptions,
  manage,
  type ResourceHooks,
} from './lifecycle/manage.js'
export {
  getRegistry,
  type LifecycleEntryInfo,
  type LifecycleOwnerInfo,
  type LifecycleRegistry,
  registryKey,
  registryVersion,
} from './lifecycle/registry.js'
