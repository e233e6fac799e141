import { syncBuiltinESMExports } from 'node:module'
import { timers } from './builtins.js'
import type { HandleSink } from './channels.js'

/** The real timers, captured when this module loads: settle() must run on them under fake timers. */
export const realTimers: {
  readonly setTimeout: typeof timers.setTimeout
  readonly setImmediate: typeof timers.setImmediate
  /** Milliseconds on a monotonic clock (fake timers freeze `Date.now()`). */
  readonly now: () => number
} = {
  setTimeout: timers.setTimeout,
  setImmediate: timers.setImmediate,
  now: (
    (hrtime) => () =>
      Number(hrtime()) / 1e6
  )(process.hrtime.bigint),
}

/** A real Node `Timeout` (fake timers return other objects, and numbers in some setups). */
function isNodeTimeout(value: unknown): value is object {
  return typeof value === 'object' && value !== null && '_idleTimeout' in value
}

type TimerFunction = (...args: unknown[]) => unknown

function wrap(original: TimerFunction, kind: 'timer' | 'interval', sink: HandleSink) {
  const wrapped = function (this: unknown, ...args: unknown[]) {
    const timer = Reflect.apply(original, this, args)
    if (isNodeTimeout(timer)) {
      const scope = sink.scope()
      if (scope.off !== true) sink.records.add(kind, timer, scope, wrapped).setAt = realTimers.now()
    }
    return timer
  }
  Object.defineProperty(wrapped, 'name', { value: original.name })
  Object.defineProperty(wrapped, 'length', { value: original.length })
  // Keep util.promisify.custom and the like.
  for (const key of Reflect.ownKeys(original)) {
    if (key === 'name' || key === 'length' || key === 'prototype') continue
    const descriptor = Object.getOwnPropertyDescriptor(original, key)
    if (descriptor !== undefined) Object.defineProperty(wrapped, key, descriptor)
  }
  return wrapped
}

/**
 * Tracks `setTimeout` and `setInterval` (globals and `node:timers`), which have no
 * diagnostics channel. Only real Node timers are recorded: when fake timers are installed the
 * globals are the fakes and our wrappers are not called; when they are uninstalled the
 * wrappers come back. Returns the function that puts the originals back (only where ours are
 * still installed, so a later patch by someone else is left alone).
 */
export function patchTimers(sink: HandleSink): () => void {
  const host = globalThis as unknown as Record<'setTimeout' | 'setInterval', TimerFunction>
  const module = timers as unknown as Record<'setTimeout' | 'setInterval', TimerFunction>
  const originals = {
    globalTimeout: host.setTimeout,
    globalInterval: host.setInterval,
    moduleTimeout: module.setTimeout,
    moduleInterval: module.setInterval,
  }
  const patched = {
    globalTimeout: wrap(originals.globalTimeout, 'timer', sink),
    globalInterval: wrap(originals.globalInterval, 'interval', sink),
    moduleTimeout:
      originals.moduleTimeout === originals.globalTimeout
        ? undefined
        : wrap(originals.moduleTimeout, 'timer', sink),
    moduleInterval:
      originals.moduleInterval === originals.globalInterval
        ? undefined
        : wrap(originals.moduleInterval, 'interval', sink),
  }
  host.setTimeout = patched.globalTimeout
  host.setInterval = patched.globalInterval
  module.setTimeout = patched.moduleTimeout ?? patched.globalTimeout
  module.setInterval = patched.moduleInterval ?? patched.globalInterval
  syncBuiltinESMExports()
  return () => {
    if (host.setTimeout === patched.globalTimeout) host.setTimeout = originals.globalTimeout
    if (host.setInterval === patched.globalInterval) host.setInterval = originals.globalInterval
    if (module.setTimeout === (patched.moduleTimeout ?? patched.globalTimeout)) {
      module.setTimeout = originals.moduleTimeout
    }
    if (module.setInterval === (patched.moduleInterval ?? patched.globalInterval)) {
      module.setInterval = originals.moduleInterval
    }
    syncBuiltinESMExports()
  }
}
