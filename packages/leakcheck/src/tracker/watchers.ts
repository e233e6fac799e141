import { syncBuiltinESMExports } from 'node:module'
import { fs } from './builtins.js'
import type { HandleSink } from './channels.js'

type WatchFunction = (...args: unknown[]) => unknown

/**
 * Tracks `fs.watch` and `fs.watchFile` (no diagnostics channel exists for them). Watchers that
 * have no `_handle` to read (recursive watchers on some platforms) are marked ended on 'close'.
 * Returns the function that puts the originals back.
 */
export function patchWatchers(sink: HandleSink): () => void {
  const target = fs as unknown as Record<'watch' | 'watchFile', WatchFunction>
  const originalWatch = target.watch
  const originalWatchFile = target.watchFile
  const record = (watcher: unknown, path: unknown, caller: WatchFunction) => {
    if (typeof watcher !== 'object' || watcher === null) return
    const scope = sink.scope()
    if (scope.off === true) return
    const entry = sink.records.add('fs-watcher', watcher, scope, caller)
    if (typeof path === 'string') entry.path = path
    else if (path instanceof URL) entry.path = path.pathname
    if (!('_handle' in watcher) && 'once' in watcher) {
      ;(watcher as { once(event: string, listener: () => void): void }).once('close', () => {
        entry.ended = true
      })
    }
  }
  const watch = function watch(this: unknown, ...args: unknown[]) {
    const watcher = Reflect.apply(originalWatch, this, args)
    record(watcher, args[0], watch)
    return watcher
  }
  const watchFile = function watchFile(this: unknown, ...args: unknown[]) {
    const watcher = Reflect.apply(originalWatchFile, this, args)
    record(watcher, args[0], watchFile)
    return watcher
  }
  target.watch = watch
  target.watchFile = watchFile
  syncBuiltinESMExports()
  return () => {
    if (target.watch === watch) target.watch = originalWatch
    if (target.watchFile === watchFile) target.watchFile = originalWatchFile
    syncBuiltinESMExports()
  }
}
