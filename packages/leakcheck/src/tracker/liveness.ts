import type { HandleRecord } from './records.js'
import { realTimers } from './timers.js'
import type { Endpoint, HandleKind } from './types.js'

// Loose views of Node objects: liveness is read from their real state, never from destroy hooks.
interface NativeHandle {
  hasRef?: () => boolean
  constructor?: { name?: string }
  /** A TLSWrap's TCP handle (the one that is ref'd or not). */
  _parent?: NativeHandle | null
}
export interface SocketLike {
  destroyed?: boolean
  connecting?: boolean
  writableEnded?: boolean
  readableEnded?: boolean
  _handle?: NativeHandle | null
  _host?: string | null
  _httpMessage?: unknown
  encrypted?: boolean
  remoteAddress?: string
  remotePort?: number
  localAddress?: string
  localPort?: number
  server?: ServerLike | null
}
export interface ServerLike {
  listening?: boolean
  _handle?: NativeHandle | null
  address?: () => unknown
  constructor?: { name?: string }
}
interface ChildLike {
  exitCode?: number | null
  signalCode?: string | null
  killed?: boolean
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
  _idleTimeout?: number
  hasRef?: () => boolean
}
interface WatcherLike {
  _handle?: NativeHandle | null
}

/** A symbol-keyed property found by its description (Node and undici keep state there). */
export function symbolValue(target: object, description: string): unknown {
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
export function isOpen(record: HandleRecord, target: object): boolean {
  if (record.ended === true) return false
  switch (record.kind) {
    case 'tcp-socket':
    case 'tls-socket':
    case 'pipe':
      return (target as SocketLike).destroyed !== true
    case 'tcp-server':
      if ((target as ServerLike).listening === true) {
        record.sawListening = true
        return true
      }
      // listen() was called but the address lookup has not finished: it is opening.
      return record.sawListening !== true && isStarting(record)
    case 'udp-socket':
      return udpOpen(target)
    case 'child-process': {
      const child = target as ChildLike
      return (child.exitCode ?? null) === null && (child.signalCode ?? null) === null
    }
    case 'worker':
      return (target as WorkerLike).threadId !== -1
    case 'fs-watcher':
      // fs.promises.watch(): a marker whose iteration has ended.
      if ('_destroyed' in target) return (target as TimerLike)._destroyed !== true
      return '_handle' in target ? (target as WatcherLike)._handle !== null : true
    case 'message-port':
      return true
    case 'broadcast-channel':
      return symbolValue(target, 'kHandle') !== undefined
    case 'timer':
    case 'interval':
      return (target as TimerLike)._destroyed !== true
  }
}

/** A server is given this long to start listening before it is taken as never opened. */
const STARTING_MS = 5000

/** A server whose listen() has not bound yet (and may fail): a check waits for it. */
export function isStarting(record: HandleRecord): boolean {
  return (
    record.kind === 'tcp-server' &&
    record.sawListening !== true &&
    record.setAt !== undefined &&
    realTimers.now() - record.setAt < STARTING_MS
  )
}

/** `false` when the handle is unref'd (does not keep the process alive); `true` when unknown. */
export function isRefed(record: HandleRecord, target: object): boolean {
  const view = target as { _handle?: NativeHandle | null; hasRef?: () => boolean }
  if (record.kind === 'broadcast-channel') {
    const handle = symbolValue(target, 'kHandle') as NativeHandle | undefined
    return handle?.hasRef?.() ?? true
  }
  if (record.kind === 'udp-socket') {
    const state = symbolValue(target, 'state symbol') as { handle?: NativeHandle } | undefined
    return state?.handle?.hasRef?.() ?? true
  }
  if (typeof view.hasRef === 'function') return view.hasRef()
  const handle = view._handle
  if (handle !== null && handle !== undefined && typeof handle.hasRef === 'function') {
    return handle.hasRef()
  }
  // A TLS socket's TLSWrap has no hasRef(); the TCP handle it wraps does.
  const parent = handle?._parent
  if (parent !== null && parent !== undefined && typeof parent.hasRef === 'function') {
    return parent.hasRef()
  }
  // Otherwise undici marks the sockets it unref'd.
  return symbolValue(target, 'no ref') !== true
}

/**
 * `true` when the handle's close has started and it will be gone soon without anyone's help: a
 * killed child, a socket ended by either side, a connection of a server that stopped listening.
 * Settling waits for these, and only these.
 */
export function isClosing(record: HandleRecord, target: object): boolean {
  switch (record.kind) {
    case 'tcp-socket':
    case 'tls-socket':
    case 'pipe': {
      const socket = target as SocketLike
      if (socket.writableEnded === true || socket.readableEnded === true) return true
      const server = socket.server
      return server !== null && server !== undefined && server.listening === false
    }
    case 'child-process':
      return (target as ChildLike).killed === true
    case 'timer': {
      // A one-shot timer about to fire is as good as gone: wait for it rather than warn.
      const delay = (target as TimerLike)._idleTimeout
      if (record.setAt === undefined || delay === undefined) return false
      return delay - (realTimers.now() - record.setAt) <= DUE_SOON_MS
    }
    default:
      return false
  }
}

/** One-shot timers due within this many ms are waited for by a check, not reported. */
const DUE_SOON_MS = 25

/** Sockets have `destroyed`; servers do not. */
export function isSocket(target: object): target is SocketLike {
  return 'destroyed' in target
}

/** The kind as known now: a socket is `tls-socket` or `pipe` once its handle exists. */
export function kindOf(record: HandleRecord, target: object): HandleKind {
  if (record.kind === 'tcp-socket' && isSocket(target)) {
    if (target.encrypted === true || target._handle?.constructor?.name === 'TLSWrap') {
      return 'tls-socket'
    }
    if (target._handle?.constructor?.name === 'Pipe') return 'pipe'
  }
  if (record.kind === 'tcp-server') {
    const address = (target as ServerLike).address?.()
    if (typeof address === 'string') return 'pipe'
  }
  return record.kind
}

function endpoint(address: string | undefined, port: number | undefined): Endpoint | undefined {
  if (address === undefined || address === '') return undefined
  return port === undefined ? { address } : { address, port }
}

/** Local and remote endpoints of a socket or server. */
export function endpointsOf(
  record: HandleRecord,
  target: object,
): { local?: Endpoint; remote?: Endpoint } {
  if (record.kind === 'tcp-server') {
    const address = (target as ServerLike).address?.()
    if (typeof address === 'string') return { local: { address } }
    if (address !== null && typeof address === 'object') {
      const { address: host, port } = address as { address: string; port: number }
      const local = endpoint(host, port)
      return local === undefined ? {} : { local }
    }
    return {}
  }
  if (!isSocket(target)) return {}
  const out: { local?: Endpoint; remote?: Endpoint } = {}
  const local = endpoint(target.localAddress, target.localPort)
  if (local !== undefined) out.local = local
  const remote = endpoint(target.remoteAddress, target.remotePort)
  const name = record.host ?? target._host ?? undefined
  if (remote !== undefined) {
    if (name !== undefined && name !== null && name !== remote.address) remote.host = name
    out.remote = remote
  } else if (name !== undefined && name !== null) {
    out.remote = { address: name }
  }
  return out
}

/** Child process details for the report. */
export function childDetails(target: object): { pid?: number; command?: string } {
  const child = target as ChildLike
  const out: { pid?: number; command?: string } = {}
  if (child.pid !== undefined) out.pid = child.pid
  const command = (child.spawnargs ?? []).join(' ')
  if (command !== '') out.command = command
  return out
}

/** A worker's thread id. */
export function threadIdOf(target: object): number | undefined {
  return (target as WorkerLike).threadId
}

/** A timer's delay in ms. */
export function delayOf(target: object): number | undefined {
  return (target as TimerLike)._idleTimeout
}
