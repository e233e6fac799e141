import { syncBuiltinESMExports } from 'node:module'
import { workerThreads } from './builtins.js'
import type { HandleSink } from './channels.js'

type Constructor = new (...args: never[]) => object

/**
 * Puts `replacement` on `host[name]` where it still holds Node's class and can be changed (a vm
 * context of Vitest's vm pools may define it read-only: then the global is left alone and only
 * `node:worker_threads` is tracked). Returns the undo.
 */
function replaceGlobal(
  host: Record<string, Constructor>,
  name: string,
  original: Constructor,
  replacement: Constructor,
): () => void {
  const descriptor = Object.getOwnPropertyDescriptor(host, name)
  if (host[name] !== original || descriptor === undefined) return () => {}
  if ('value' in descriptor && descriptor.writable === true) {
    Object.defineProperty(host, name, { ...descriptor, value: replacement })
  } else if (descriptor.configurable === true) {
    // An accessor, or read-only but configurable: replace it by a plain value.
    Object.defineProperty(host, name, {
      value: replacement,
      writable: true,
      configurable: true,
      enumerable: descriptor.enumerable ?? false,
    })
  } else {
    return () => {}
  }
  return () => {
    if (host[name] === replacement) Object.defineProperty(host, name, descriptor)
  }
}

/**
 * Tracks `MessageChannel` ports and `BroadcastChannel`s (no diagnostics channel exists for them),
 * as subclasses installed on `globalThis` and `node:worker_threads`: an instance is still an
 * instance of Node's class. A port is open until its 'close' event; it keeps the process alive
 * only while something listens on it (`hasRef()`), and only then is it reported. Returns the
 * function that puts the originals back.
 */
export function patchPorts(sink: HandleSink): () => void {
  const host = globalThis as unknown as Record<'MessageChannel' | 'BroadcastChannel', Constructor>
  const module = workerThreads as unknown as Record<
    'MessageChannel' | 'BroadcastChannel',
    Constructor
  >
  const OriginalChannel = module.MessageChannel
  const OriginalBroadcast = module.BroadcastChannel
  // biome-ignore lint/complexity/noBannedTypes: Error.captureStackTrace takes any function
  const recordPort = (port: unknown, caller: Function) => {
    if (typeof port !== 'object' || port === null) return
    const scope = sink.scope()
    if (scope.off === true) return
    const entry = sink.records.add('message-port', port, scope, caller)
    const events = port as { once?: (event: string, fn: () => void) => unknown }
    events.once?.call(port, 'close', () => {
      entry.ended = true
    })
  }
  class MessageChannel extends (OriginalChannel as new () => { port1: object; port2: object }) {
    constructor() {
      super()
      recordPort(this.port1, MessageChannel)
      recordPort(this.port2, MessageChannel)
    }
  }
  class BroadcastChannel extends (OriginalBroadcast as new (
    name: string,
  ) => {
    close(): void
  }) {
    constructor(name: string) {
      super(name)
      const scope = sink.scope()
      if (scope.off === true) return
      sink.records.add('broadcast-channel', this, scope, BroadcastChannel).path = String(name)
    }
  }
  Object.defineProperty(MessageChannel, 'name', { value: 'MessageChannel' })
  Object.defineProperty(BroadcastChannel, 'name', { value: 'BroadcastChannel' })
  module.MessageChannel = MessageChannel
  module.BroadcastChannel = BroadcastChannel
  syncBuiltinESMExports()
  const undoGlobals = [
    replaceGlobal(host, 'MessageChannel', OriginalChannel, MessageChannel),
    replaceGlobal(host, 'BroadcastChannel', OriginalBroadcast, BroadcastChannel),
  ]
  return () => {
    if (module.MessageChannel === MessageChannel) module.MessageChannel = OriginalChannel
    if (module.BroadcastChannel === BroadcastChannel) module.BroadcastChannel = OriginalBroadcast
    syncBuiltinESMExports()
    for (const undo of undoGlobals) undo()
  }
}
