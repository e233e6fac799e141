import type { SharedRegistry } from './registry.js'

/**
 * Adds the one `process.on('exit')` listener of this process (called once per registry, on the
 * first `manage()`): it destroys every resource still open, synchronously, before the event loop
 * tears down. That ends keep-alive sockets on `process.exit()` and avoids the Windows crash of
 * nodejs/node#56645 (undici#5680). It never keeps the process alive and never changes the exit
 * code.
 */
export function closeOnExit(registry: Pick<SharedRegistry, 'live'>): void {
  process.on('exit', () => destroyAll(registry))
}

/** Destroys every live entry, synchronously; one that throws does not stop the others. */
export function destroyAll(registry: Pick<SharedRegistry, 'live'>): void {
  for (const entry of registry.live()) {
    try {
      entry.destroy()
    } catch {
      // One failing resource must not stop the others from being destroyed.
    }
  }
}
