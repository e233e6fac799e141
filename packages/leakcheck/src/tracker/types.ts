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
  | 'message-port'
  | 'broadcast-channel'

/**
 * `'active'`: open and keeping the process alive. `'idle-keep-alive'`: a socket parked in a
 * keep-alive pool (undici or a node:http Agent). `'unref'`: open but unref'd. `'closing'`: its
 * close has started (a killed child, an ended socket, a connection of a closing server).
 * `'starting'`: a server whose `listen()` is still resolving its address.
 */
export type HandleState = 'active' | 'idle-keep-alive' | 'unref' | 'closing' | 'starting'

/** Which end a socket is: one this process connected, or one a server of it accepted. */
export type SocketRole = 'client' | 'accepted'

/**
 * Where a handle was opened: the test file, and the test whose work opened it (found by
 * following async context, so a callback of a file-level server belongs to the file, not to the
 * test that happens to be running). No `test` means file level (module top, `beforeAll`).
 */
export interface Scope {
  file?: string | undefined
  test?: string | undefined
}

/** One end of a connection, or the address a server listens on. */
export interface Endpoint {
  /** The IP address (or the pipe path). */
  address: string
  port?: number
  /** The host name the socket was asked to connect to, when it differs from `address`. */
  host?: string
}

/** One frame of a V8 stack: `at fn (file:line:col)` or `at file:line:col`. */
export interface StackFrame {
  fn?: string
  file: string
  line: number
  column: number
}

/** What owns a handle and decides when it closes. */
export type HandleOwner =
  | {
      /** A server of this process: the sockets it accepted close with it. */
      type: 'server'
      /** The server's handle id (it is tracked too). */
      id: number
      /** `'http2'` for an HTTP/2 server (its sessions must be closed before it). */
      protocol?: 'http2'
    }
  | {
      /** A connection pool: undici (Agent, Pool, Client, global `fetch`) or a node:http Agent. */
      type: 'pool'
      pool: 'undici' | 'node:http'
      /** The process-wide pool (global `fetch`/`setGlobalDispatcher`, `http.globalAgent`). */
      global: boolean
      /** One id per pool object (per undici Client; per node:http Agent). */
      id: number
    }
  | {
      /** An HTTP/2 client session (`http2.connect()`); its streams belong to it. */
      type: 'http2-session'
      id: number
      /** Streams still open on the session. */
      streams: number
    }
  | {
      /** A `@foo/client`, from its lifecycle registry. */
      type: 'foo-client'
      /** Its class name (e.g. `Api`). */
      name: string
      /** Stack lines (`    at ...`) of where it was created. */
      createdAt: string
      /** `false` once the client object was garbage-collected. */
      reachable: boolean
    }

/** A handle that is still open, as data: only the report turns it into words. */
export interface OpenHandle {
  /** Increasing per process; compare with {@link Tracker.mark}. */
  id: number
  kind: HandleKind
  state: HandleState
  /** Sockets: which end. */
  role?: SocketRole
  /** Sockets and servers: the local address (a pipe's path). */
  local?: Endpoint
  /** Sockets: the other end. */
  remote?: Endpoint
  /** Where it was opened. */
  scope: Scope
  /** Pooled sockets: the scope that sent the last request on it (it may differ from `scope`). */
  lastUsedBy?: Scope
  owner?: HandleOwner
  /** The creation stack, parsed once (all frames, Node's and libraries' too). */
  frames: StackFrame[]
  /** The creation stack as V8 printed it (what `allow.createdBy` searches). */
  stack: string
  /** Child processes. */
  pid?: number
  /** Child processes: the command line. */
  command?: string
  /** Worker threads. */
  threadId?: number
  /** fs watchers: the watched path. */
  path?: string
  /** Timers and intervals: the delay in ms. */
  delayMs?: number
  /** Servers: `'http2'` for an HTTP/2 server (its sessions must be closed before it). */
  protocol?: 'http2'
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

/** Filters for {@link Tracker.open}. */
export interface OpenOptions {
  /** Only handles created after this {@link Tracker.mark}. */
  since?: number
  /** Only handles opened in this file. */
  file?: string
  /** Only handles opened by this test, or (pooled sockets) last used by it. */
  test?: string
}

/** The process-wide (per realm) handle tracker. */
export interface Tracker {
  /**
   * Runs `fn` in `scope`: every handle opened by its work, however deep in callbacks and
   * promises, is stamped with `scope`. `{ off: true }` records nothing (an opted-out test).
   */
  run<T>(scope: Scope & { off?: boolean }, fn: () => T): T
  /** The scope stamped on handles opened outside any {@link Tracker.run} (the file level). */
  setBaseScope(scope: Scope | undefined): void
  /** A point in time: handles created later have a greater `id`. */
  mark(): number
  /** The handles open right now, as data, synchronously (allow rules applied). */
  open(options?: OpenOptions): OpenHandle[]
  /** Unsubscribes and unpatches everything; the next `startTracker()` starts afresh. */
  stop(): void
}

/** Options for `startTracker()`. */
export interface TrackerOptions {
  allow?: AllowRule[]
}
