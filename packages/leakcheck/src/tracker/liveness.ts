import type { HandleRecord } from './records.js'
import type { HandleKind, HandleState } from './types.js'

// Loose views of Node objects: liveness is read from their real state, never from destroy hooks.
interface NativeHandle {
  hasRef?: () => boolean
  constructor?: { name?: string }
}
interface SocketLike {
  destroyed?: boolean
  _handle?: NativeHandle | null
  _host?: string | null
  _httpMessage?: unknown
  encrypted?: boolean
  remoteAddress?: string
  remotePort?: number
  localAddress?: string
  localPort?: number
  server?: unknown
  listenerCount?: (event: string) => number
}
interface ServerLike {
  listening?: boolean
  _handle?: NativeHandle | null
  address?: () => unknown
}
interface ChildLike {
  exitCode?: number | null
  signalCode?: string | null
  pid?: number
  spawnargs?: string[]
  _handle?: NativeHandle | null
}
interface WorkerLike {
  threadId?: number
  hasRef?: () => boolean
}
interface TimerLike {
  _destroyed?: boolean
  _repeat?: number | null
  _idleTimeout?: number
  hasRef?: () => boolean
}
interface WatcherLike {
  _handle?: NativeHandle | null
}

/** A symbol-keyed property found by its description (Node and undici keep state there). */
function symbolValue(target: object, description: string): unknown {
  for (const symbol of Object.getOwnPropertySymbols(target)) {
    if (symbol.description === description) return (target as Record<symbol, unknown>)[symbol]
  }
  return undefined
}

function udpOpen(socket: object): boolean {
  const state = symbolValue(socket, 'state symbol') as { handle?: unknown } | undefined
  return state === undefined ? true : state.handle !== null && state.handle !== undefined
}

/** `true` while the handle behind `record` is still open. */
export function isOpen(record: HandleRecord): boolean {
  if (record.ended === true) return false
  const target = record.target
  switch (record.kind) {
    case 'tcp-socket':
    case 'tls-socket':
    case 'pipe':
      return (target as SocketLike).destroyed !== true
    case 'tcp-server':
      return (target as ServerLike).listening === true
    case 'udp-socket':
      return udpOpen(target)
    case 'child-process': {
      const child = target as ChildLike
      return (child.exitCode ?? null) === null && (child.signalCode ?? null) === null
    }
    case 'worker':
      return (target as WorkerLike).threadId !== -1
    case 'fs-watcher':
      return '_handle' in target ? (target as WatcherLike)._handle !== null : true
    case 'timer':
    case 'interval':
      return (target as TimerLike)._destroyed !== true
  }
}

/** `false` when the handle is unref'd (does not keep the process alive); `true` when unknown. */
export function isRefed(record: HandleRecord): boolean {
  const target = record.target as {
    _handle?: NativeHandle | null
    hasRef?: () => boolean
  }
  if (record.kind === 'udp-socket') {
    const state = symbolValue(target, 'state symbol') as { handle?: NativeHandle } | undefined
    return state?.handle?.hasRef?.() ?? true
  }
  if (typeof target.hasRef === 'function') return target.hasRef()
  const handle = target._handle
  if (handle !== null && handle !== undefined && typeof handle.hasRef === 'function') {
    return handle.hasRef()
  }
  // TLS sockets have no hasRef(); undici marks the sockets it unref'd.
  const noRef = symbolValue(target, 'no ref')
  return noRef !== true
}

/** Sockets have `destroyed`; servers do not. */
function isSocket(target: object): target is SocketLike {
  return 'destroyed' in target
}

/** The kind as known now: a socket is `tls-socket` or `pipe` once its handle exists. */
export function kindOf(record: HandleRecord): HandleKind {
  const target = record.target
  if (record.kind === 'tcp-socket' && isSocket(target)) {
    const socket = target as SocketLike
    if (socket.encrypted === true || socket._handle?.constructor?.name === 'TLSWrap') {
      return 'tls-socket'
    }
    if (socket._handle?.constructor?.name === 'Pipe') return 'pipe'
  }
  if (record.kind === 'tcp-server') {
    const address = (target as ServerLike).address?.()
    if (typeof address === 'string') return 'pipe'
  }
  return record.kind
}

/** A node:http Agent installs a 'free' listener on each socket it owns. */
function inHttpAgent(socket: SocketLike): boolean {
  return typeof socket.listenerCount === 'function' && socket.listenerCount('free') > 0
}

/** Whether the socket is idle in a keep-alive pool, and which. */
export function poolOf(record: HandleRecord): 'undici' | 'node:http' | undefined {
  const socket = record.target as SocketLike
  if (record.pool === 'undici') return isRefed(record) ? undefined : 'undici'
  if (inHttpAgent(socket) && (socket._httpMessage ?? null) === null) return 'node:http'
  return undefined
}

export function stateOf(record: HandleRecord): HandleState {
  const kind = record.kind
  if ((kind === 'tcp-socket' || kind === 'tls-socket') && poolOf(record) !== undefined) {
    return 'idle-keep-alive'
  }
  return isRefed(record) ? 'active' : 'unref'
}

function hostPort(host: string | undefined, port: number | undefined): string | undefined {
  if (host === undefined) return undefined
  const shown = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host
  return port === undefined ? shown : `${shown}:${port}`
}

/** Local and remote addresses of a socket or server, as strings for the report. */
export function addressesOf(record: HandleRecord): { local?: string; remote?: string } {
  const target = record.target
  if (record.kind === 'tcp-server') {
    const address = (target as ServerLike).address?.()
    if (typeof address === 'string') return { local: address }
    if (address !== null && typeof address === 'object') {
      const { address: host, port } = address as { address: string; port: number }
      const local = hostPort(host, port)
      return local === undefined ? {} : { local }
    }
    return {}
  }
  if (!isSocket(target)) return {}
  const socket = target
  const out: { local?: string; remote?: string } = {}
  const local = hostPort(socket.localAddress, socket.localPort)
  if (local !== undefined) out.local = local
  const address = socket.remoteAddress
  const name = record.host ?? socket._host ?? undefined
  if (address !== undefined) {
    const remote = hostPort(address, socket.remotePort) as string
    out.remote =
      name !== undefined && name !== address && name !== `[${address}]`
        ? `${hostPort(name, socket.remotePort)} (${address})`
        : remote
  } else if (name !== undefined && name !== null) {
    out.remote = name
  }
  return out
}

const LABELS: Record<HandleKind, string> = {
  'tcp-socket': 'TCP socket',
  'tls-socket': 'TLS socket',
  'tcp-server': 'TCP server',
  'udp-socket': 'UDP socket',
  pipe: 'Pipe',
  'child-process': 'Child process',
  worker: 'Worker thread',
  'fs-watcher': 'File watcher',
  timer: 'Timer',
  interval: 'Interval',
}

/** One line saying what the handle is. */
export function describe(
  record: HandleRecord,
  kind: HandleKind,
  addresses: { local?: string; remote?: string },
): string {
  const target = record.target
  const label = LABELS[kind]
  switch (kind) {
    case 'tcp-socket':
    case 'tls-socket':
    case 'pipe': {
      if (!isSocket(target)) return `Pipe server listening on ${addresses.local ?? '?'}`
      const accepted = (target as SocketLike).server != null ? ' (accepted by a server)' : ''
      const ends = [addresses.local, addresses.remote].filter((part) => part !== undefined)
      return `${label}${ends.length > 0 ? ` ${ends.join(' -> ')}` : ''}${accepted}`
    }
    case 'tcp-server':
      return `${label} listening on ${addresses.local ?? '?'}`
    case 'udp-socket': {
      let bound = ''
      try {
        const address = (target as { address(): { address: string; port: number } }).address()
        bound = ` bound to ${hostPort(address.address, address.port)}`
      } catch {
        // Not bound yet.
      }
      return `${label}${bound}`
    }
    case 'child-process': {
      const child = target as ChildLike
      const command = (child.spawnargs ?? []).join(' ')
      const shown = command.length > 80 ? `${command.slice(0, 77)}...` : command
      return `${label} (pid ${child.pid ?? '?'}) ${shown}`.trimEnd()
    }
    case 'worker':
      return `${label} ${(target as WorkerLike).threadId ?? ''}`.trimEnd()
    case 'fs-watcher':
      return `${label}${record.path !== undefined ? ` on ${record.path}` : ''}`
    case 'timer':
    case 'interval': {
      const ms = (target as TimerLike)._idleTimeout
      return `${label} of ${ms ?? '?'} ms`
    }
  }
}
