/** What kind of resource a tracked handle is. */
export type HandleKind =
  | 'tcp-socket'
  | 'tls-socket'
  | 'tcp-server'
  | 'udp-socket'
  | 'pipe'
  | 'child-process'
  | 'worker'
  | 'fs-watcher'
  | 'timer'
  | 'interval'

/**
 * `'active'`: open and keeping the process alive. `'idle-keep-alive'`: a socket parked in a
 * keep-alive pool (undici or a node:http Agent). `'unref'`: open but unref'd.
 */
export type HandleState = 'active' | 'idle-keep-alive' | 'unref'

/** Where a handle was opened: the test file and test current at creation. */
export interface Scope {
  file?: string | undefined
  test?: string | undefined
  /** The test runs concurrently with others, so the handle is attributed to the file. */
  concurrent?: boolean | undefined
}

/** The `@foo/client` that owns a socket, from its lifecycle registry. */
export interface HandleOwner {
  /** The client's name (its class name, e.g. `Api`). */
  name: string
  /** Stack frames where the client was created. */
  createdAt: string
  /** `false` once the client object was garbage-collected. */
  reachable: boolean
}

/** A handle that is still open. */
export interface OpenHandle {
  /** Increasing per tracker; compare with {@link Tracker.mark}. */
  id: number
  kind: HandleKind
  state: HandleState
  /** Sockets and servers: `'127.0.0.1:50123'` (or the pipe path). */
  local?: string
  /** Sockets: `'example.com:443 (93.184.216.34)'`, or `'127.0.0.1:8080'`. */
  remote?: string
  /** Stamped at creation from the current scope. */
  scope: Scope
  /** The creation stack, raw (formatting trims it). */
  stack: string
  owner?: HandleOwner
  /** Set when the socket is idle in a keep-alive pool. */
  pool?: 'undici' | 'node:http'
  /** One line, e.g. `'TCP socket 127.0.0.1:50123 -> 127.0.0.1:8080'`. */
  description: string
}

/** A rule that accepts matching open handles (they are never reported). All given fields must match. */
export interface AllowRule {
  kind?: HandleKind | HandleKind[]
  /** The remote host name or address of a socket (or a server's local address). */
  host?: string | RegExp
  /** The remote port of a socket (or a server's local port). */
  port?: number
  /** A module path or function name that appears in the creation stack. */
  createdBy?: string | RegExp
}

/** Filters for {@link Tracker.open} and {@link Tracker.settle}. */
export interface OpenOptions {
  /** Only handles created after this {@link Tracker.mark}. */
  since?: number
  /** Only handles whose scope has these fields. */
  scope?: Partial<Scope>
}

/** Options for {@link Tracker.settle}. */
export interface SettleOptions extends OpenOptions {
  /** How long to wait for handles to close, in ms. Default 1000. */
  deadlineMs?: number
  /** Trigger a GC and let FinalizationRegistry callbacks run. Default `true`. */
  gc?: boolean
}

/** What {@link Tracker.settle} found. */
export interface SettleResult {
  /** Handles still open after settling. */
  leaks: OpenHandle[]
  /** Handles that closed after a GC (owners collected and closed by their finalizers). */
  collected: number
}

/** The process-wide (per realm) handle tracker. */
export interface Tracker {
  /** Sets the scope stamped on handles created from now on; `undefined` is file level. */
  setScope(scope: Scope | undefined): void
  currentScope(): Scope | undefined
  /** A point in time: handles created later have a greater `id`. */
  mark(): number
  /** The handles open right now, synchronously. */
  open(options?: OpenOptions): OpenHandle[]
  /** Polls until the open set stops changing (or the deadline), with a GC; real timers. */
  settle(options?: SettleOptions): Promise<SettleResult>
  /** Unsubscribes and unpatches everything; the next `startTracker()` starts afresh. */
  stop(): void
}

/** Options for `startTracker()`. */
export interface TrackerOptions {
  allow?: AllowRule[]
}
