import dc from 'node:diagnostics_channel'
import { syncBuiltinESMExports } from 'node:module'
import { http, http2, net } from './builtins.js'
import type { ContextScope } from './context.js'
import { symbolValue } from './liveness.js'
import type { HandleRecords } from './records.js'
import { realTimers } from './timers.js'
import type { HandleKind } from './types.js'

/** How the channels and patches report a new handle to the tracker. */
export interface HandleSink {
  records: HandleRecords
  /** The scope of the work running now (`off` for an opted-out test: record nothing). */
  scope(): ContextScope
  /** Sockets of node:http requests -> the Agent that owns them. */
  agents: WeakMap<object, object>
  /** Raw sockets of HTTP/2 client sessions -> the session. */
  sessions: WeakMap<object, object>
}

type Listener = (message: unknown, name: string | symbol) => void

interface ConnectedMessage {
  socket?: object
  connectParams?: { hostname?: string }
}

const isObject = (value: unknown): value is object => typeof value === 'object' && value !== null

/**
 * Subscribes to the diagnostics_channel channels Node (20 to 26) publishes for handles (server
 * listen and accepted sockets, UDP, child processes, worker threads, undici's connections and
 * requests, node:http requests), and patches the two entry points that have none:
 * `net.Socket.prototype.connect` (every client socket, however it was made: `net.connect`,
 * `new net.Socket().connect()`, `tls.connect`, http agents, undici) and `http2.connect`.
 * Returns the function that undoes all of it.
 */
export function subscribeChannels(sink: HandleSink): () => void {
  const { records } = sink
  const add = (
    kind: HandleKind,
    target: unknown,
    inherited?: { scope: ContextScope; stack: string },
  ) => {
    if (!isObject(target)) return undefined
    const scope = inherited?.scope ?? sink.scope()
    if (scope.off === true) return undefined
    return records.add(kind, target, scope, undefined, inherited?.stack)
  }
  const stampLastUse = (socket: unknown, scope: ContextScope) => {
    if (!isObject(socket)) return
    const record = records.get(socket)
    // An opted-out test's use is recorded too: what it leaves busy is nobody else's leak.
    if (record !== undefined) record.lastUse = scope
  }

  const subscriptions: Array<[string, Listener]> = [
    [
      'net.server.socket',
      (m) => {
        const socket = (m as { socket?: { server?: object } }).socket
        // Sockets a server accepts belong to the server (its scope, its stack); foreign servers'
        // (the runner's own) are left alone.
        const server = isObject(socket?.server) ? records.get(socket.server) : undefined
        if (server !== undefined) add('tcp-socket', socket, server)
      },
    ],
    [
      'tracing:net.server.listen:asyncStart',
      (m) => {
        const server = (m as { server?: object }).server
        const record = add('tcp-server', server)
        if (record === undefined || record.setAt !== undefined) return
        // Until it is listening a server is starting (its address lookup may still run); the
        // events say when that ends, whether or not a check looked in between.
        record.setAt = realTimers.now()
        const events = server as { once?: (event: string, fn: () => void) => unknown }
        if (typeof events.once !== 'function') return
        events.once.call(server, 'listening', () => {
          record.sawListening = true
        })
        events.once.call(server, 'close', () => {
          record.ended = true
        })
      },
    ],
    ['udp.socket', (m) => add('udp-socket', (m as { socket?: object }).socket)],
    ['child_process', (m) => add('child-process', (m as { process?: object }).process)],
    ['worker_threads', (m) => add('worker', (m as { worker?: object }).worker)],
    [
      'undici:client:connected',
      (m) => {
        const { socket, connectParams } = m as ConnectedMessage
        // The socket was recorded when it connected; mark it pooled.
        const record = isObject(socket)
          ? (records.get(socket) ?? add('tcp-socket', socket))
          : undefined
        if (record === undefined) return
        record.pool = 'undici'
        if (connectParams?.hostname !== undefined) record.host = connectParams.hostname
      },
    ],
    [
      'undici:client:sendHeaders',
      (m) => stampLastUse((m as { socket?: object }).socket, sink.scope()),
    ],
  ]
  for (const [name, listener] of subscriptions) dc.subscribe(name, listener)
  const undo = [
    patchSocketConnect(sink),
    patchHttp2Connect(sink),
    patchHttpAgent(sink, stampLastUse),
  ]
  return () => {
    for (const [name, listener] of subscriptions) dc.unsubscribe(name, listener)
    for (const fn of undo) fn()
  }
}

/** Every client socket goes through `Socket.prototype.connect`; Node's channel misses `new net.Socket().connect()`. */
function patchSocketConnect(sink: HandleSink): () => void {
  const prototype = net.Socket.prototype as { connect: (...args: unknown[]) => unknown }
  const original = prototype.connect
  const connect = function connect(this: object, ...args: unknown[]) {
    const scope = sink.scope()
    if (scope.off !== true) sink.records.add('tcp-socket', this, scope, connect)
    return Reflect.apply(original, this, args)
  }
  prototype.connect = connect
  return () => {
    if (prototype.connect === connect) prototype.connect = original
  }
}

/**
 * node:http requests: the Agent takes each request synchronously in the ClientRequest
 * constructor (so the scope is the request's creator's), and hands it a socket later, maybe from
 * another test's callback. Node's `http.client.request.start` fires only once a request is ended,
 * so a request left unfinished would never be seen.
 */
function patchHttpAgent(
  sink: HandleSink,
  stampLastUse: (socket: unknown, scope: ContextScope) => void,
): () => void {
  const agentPrototype = http.Agent.prototype as unknown as {
    addRequest: (...args: unknown[]) => unknown
  }
  const requestPrototype = http.ClientRequest.prototype as unknown as {
    onSocket: (...args: unknown[]) => unknown
  }
  const originalAdd = agentPrototype.addRequest
  const originalOnSocket = requestPrototype.onSocket
  const requests = new WeakMap<object, { scope: ContextScope; agent: object }>()
  const addRequest = function addRequest(this: object, ...args: unknown[]) {
    const request = args[0]
    if (isObject(request)) requests.set(request, { scope: sink.scope(), agent: this })
    return Reflect.apply(originalAdd, this, args)
  }
  const onSocket = function onSocket(this: object, ...args: unknown[]) {
    const socket = args[0]
    const request = requests.get(this)
    if (request !== undefined && isObject(socket)) {
      stampLastUse(socket, request.scope)
      sink.agents.set(socket, request.agent)
    }
    return Reflect.apply(originalOnSocket, this, args)
  }
  agentPrototype.addRequest = addRequest
  requestPrototype.onSocket = onSocket
  return () => {
    if (agentPrototype.addRequest === addRequest) agentPrototype.addRequest = originalAdd
    if (requestPrototype.onSocket === onSocket) requestPrototype.onSocket = originalOnSocket
  }
}

/** `http2.connect()` sessions: their raw socket is tracked, the session is its owner. */
function patchHttp2Connect(sink: HandleSink): () => void {
  const module = http2 as unknown as { connect: (...args: unknown[]) => unknown }
  const original = module.connect
  const link = (session: object): boolean => {
    const socket = symbolValue(session, 'socket')
    if (!isObject(socket)) return false
    sink.sessions.set(socket, session)
    return true
  }
  const connect = function connect(this: unknown, ...args: unknown[]) {
    const session = Reflect.apply(original, this, args)
    if (isObject(session) && !link(session) && 'once' in session) {
      ;(session as { once(event: string, fn: () => void): void }).once('connect', () =>
        link(session),
      )
    }
    return session
  }
  module.connect = connect
  syncBuiltinESMExports()
  return () => {
    if (module.connect === connect) {
      module.connect = original
      syncBuiltinESMExports()
    }
  }
}
