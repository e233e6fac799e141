import dc from 'node:diagnostics_channel'
import { syncBuiltinESMExports } from 'node:module'
import tls from 'node:tls'
import type { HandleRecords } from './records.js'
import type { HandleKind, Scope } from './types.js'

/** How the channels report a new handle to the tracker. */
export interface HandleSink {
  records: HandleRecords
  stamp(): Scope
}

type Listener = (message: unknown, name: string | symbol) => void

interface ConnectedMessage {
  socket?: object
  connectParams?: { hostname?: string; port?: number | string }
}

/**
 * Subscribes to the diagnostics_channel channels Node (20 to 26) publishes for handles: net
 * client and server sockets, server listen, UDP, child processes, worker threads and undici's
 * connections (npm undici and the copy behind global `fetch` both publish). These cost nothing
 * on the promise path, unlike async_hooks. Returns the unsubscribe function.
 */
export function subscribeChannels(sink: HandleSink): () => void {
  const { records } = sink
  const add = (
    kind: HandleKind,
    target: unknown,
    scope = sink.stamp(),
    inherited?: { stack?: string },
  ) =>
    typeof target === 'object' && target !== null
      ? records.add(kind, target, scope, undefined, inherited)
      : undefined

  const subscriptions: Array<[string, Listener]> = [
    ['net.client.socket', (m) => add('tcp-socket', (m as { socket?: object }).socket)],
    [
      'net.server.socket',
      (m) => {
        const socket = (m as { socket?: { server?: object } }).socket
        // Sockets a server accepts belong to the server's scope; ignore foreign servers'.
        const server = socket?.server != null ? records.get(socket.server) : undefined
        if (server !== undefined) add('tcp-socket', socket, { ...server.scope }, server.trace)
      },
    ],
    [
      'tracing:net.server.listen:asyncStart',
      (m) => add('tcp-server', (m as { server?: object }).server),
    ],
    ['udp.socket', (m) => add('udp-socket', (m as { socket?: object }).socket)],
    ['child_process', (m) => add('child-process', (m as { process?: object }).process)],
    ['worker_threads', (m) => add('worker', (m as { worker?: object }).worker)],
    [
      'undici:client:connected',
      (m) => {
        const { socket, connectParams } = m as ConnectedMessage
        const record = add('tcp-socket', socket)
        if (record === undefined) return
        record.pool = 'undici'
        if (connectParams?.hostname !== undefined) record.host = connectParams.hostname
      },
    ],
  ]
  for (const [name, listener] of subscriptions) dc.subscribe(name, listener)
  const unpatchTls = patchTlsConnect(sink)
  return () => {
    for (const [name, listener] of subscriptions) dc.unsubscribe(name, listener)
    unpatchTls()
  }
}

const hasTlsChannel = (() => {
  const major = Number(process.versions.node.split('.')[0])
  // Node 22+ publishes tls.connect() sockets on net.client.socket; Node 20 does not.
  return major >= 22
})()

/** Node 20 only: wraps `tls.connect` so TLS client sockets are seen too. */
function patchTlsConnect(sink: HandleSink): () => void {
  if (hasTlsChannel) return () => {}
  const original = tls.connect
  const connect = function connect(this: unknown, ...args: unknown[]) {
    const socket = Reflect.apply(original, this, args) as object
    sink.records.add('tcp-socket', socket, sink.stamp(), connect)
    return socket
  } as typeof tls.connect
  tls.connect = connect
  syncBuiltinESMExports()
  return () => {
    if (tls.connect === connect) {
      tls.connect = original
      syncBuiltinESMExports()
    }
  }
}
