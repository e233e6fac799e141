import { syncBuiltinESMExports } from 'node:module'
import { fsPromises, timersPromises } from './builtins.js'
import type { HandleSink } from './channels.js'
import { realTimers } from './timers.js'
import type { HandleKind } from './types.js'

/**
 * What the tracker watches for a promise or an async iterator that holds a handle Node keeps to
 * itself (`fs.promises.watch`, `timers/promises`): it reads like a Node timer (`_idleTimeout`,
 * `_destroyed`, `hasRef()`), and is marked done when the promise settles or the iteration ends.
 */
interface Marker {
  _idleTimeout?: number
  _destroyed: boolean
  hasRef(): boolean
}

function marker(ref: boolean, delayMs?: number): Marker {
  const out: Marker = { _destroyed: false, hasRef: () => ref }
  if (delayMs !== undefined) out._idleTimeout = delayMs
  return out
}

type Fn = (...args: unknown[]) => unknown

function refOf(options: unknown, key: 'ref' | 'persistent'): boolean {
  return (
    typeof options !== 'object' ||
    options === null ||
    (options as Record<string, unknown>)[key] !== false
  )
}

/** An async iterator that ends `done` with itself: when it finishes, returns or throws. */
function tracked<T>(inner: AsyncIterator<T>, done: Marker): AsyncIterableIterator<T> {
  const finish = () => {
    done._destroyed = true
  }
  const wrapper: AsyncIterableIterator<T> & { done: Marker } = {
    // The wrapper holds the marker while the caller holds the wrapper (the record holds neither).
    done,
    async next(...args: [] | [undefined]) {
      try {
        const result = await inner.next(...args)
        if (result.done === true) finish()
        return result
      } catch (error) {
        finish()
        throw error
      }
    },
    async return(value?: unknown) {
      finish()
      return (await inner.return?.(value)) ?? { done: true, value: undefined }
    },
    async throw(error?: unknown) {
      finish()
      if (inner.throw === undefined) throw error
      return inner.throw(error)
    },
    [Symbol.asyncIterator]() {
      return this
    },
  }
  return wrapper
}

/**
 * Tracks what `fs.promises.watch()` and `timers/promises` (`setTimeout`, `setInterval`) hold:
 * a watcher until its iteration ends, a timer until its promise settles, an interval until its
 * iteration ends. Returns the function that puts the originals back.
 */
export function patchIterators(sink: HandleSink): () => void {
  const record = (kind: HandleKind, target: Marker, caller: Fn, path?: unknown) => {
    const scope = sink.scope()
    if (scope.off === true) return
    const entry = sink.records.add(kind, target, scope, caller)
    entry.setAt = realTimers.now()
    if (typeof path === 'string') entry.path = path
    else if (path instanceof URL) entry.path = path.pathname
  }
  const fsTarget = fsPromises as unknown as { watch: Fn }
  const timersTarget = timersPromises as unknown as { setTimeout: Fn; setInterval: Fn }
  const originals = {
    watch: fsTarget.watch,
    setTimeout: timersTarget.setTimeout,
    setInterval: timersTarget.setInterval,
  }
  const watch = function watch(this: unknown, ...args: unknown[]) {
    const inner = Reflect.apply(originals.watch, this, args) as AsyncIterator<unknown>
    const done = marker(refOf(args[1], 'persistent'))
    record('fs-watcher', done, watch, args[0])
    return tracked(inner, done)
  }
  const setTimeout = function setTimeout(this: unknown, ...args: unknown[]) {
    const promise = Reflect.apply(originals.setTimeout, this, args) as Promise<unknown>
    const delay = Number(args[0] ?? 1)
    const done = marker(refOf(args[2], 'ref'), Number.isFinite(delay) ? delay : 1)
    record('timer', done, setTimeout)
    const finish = () => {
      done._destroyed = true
    }
    promise.then(finish, finish)
    return promise
  }
  const setInterval = function setInterval(this: unknown, ...args: unknown[]) {
    const inner = Reflect.apply(originals.setInterval, this, args) as AsyncIterator<unknown>
    const delay = Number(args[0] ?? 1)
    const done = marker(refOf(args[2], 'ref'), Number.isFinite(delay) ? delay : 1)
    record('interval', done, setInterval)
    return tracked(inner, done)
  }
  fsTarget.watch = watch
  timersTarget.setTimeout = setTimeout
  timersTarget.setInterval = setInterval
  syncBuiltinESMExports()
  return () => {
    if (fsTarget.watch === watch) fsTarget.watch = originals.watch
    if (timersTarget.setTimeout === setTimeout) timersTarget.setTimeout = originals.setTimeout
    if (timersTarget.setInterval === setInterval) timersTarget.setInterval = originals.setInterval
    syncBuiltinESMExports()
  }
}
