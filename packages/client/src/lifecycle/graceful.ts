import { constants } from 'node:os'
import { invalidArgument } from '../errors.js'
import { checkMs } from '../limits.js'
import { destroyAll } from './exit.js'
import { type SharedRegistry, sharedRegistry } from './registry.js'

/** Options for {@link gracefulShutdown}. */
export interface GracefulShutdownOptions {
  /**
   * Signals that start the drain. Default `['SIGINT', 'SIGTERM']`; on Windows
   * `['SIGINT', 'SIGBREAK', 'SIGHUP']` (Ctrl+C, Ctrl+Break, console close; SIGTERM never arrives).
   */
  signals?: NodeJS.Signals[]
  /** How long the drain may take before what is left is destroyed. Default `10_000` ms. */
  timeoutMs?: number
}

interface GracefulState {
  installs: number
  draining: boolean
  signals: NodeJS.Signals[]
  timeoutMs: number
  listeners: Map<NodeJS.Signals, (signal: NodeJS.Signals) => void>
}

/** A signal `process.on()` can listen for here: known to this platform, and not SIGKILL/SIGSTOP. */
function isCatchableSignal(signal: unknown): boolean {
  return (
    typeof signal === 'string' &&
    Object.hasOwn(constants.signals, signal) &&
    signal !== 'SIGKILL' &&
    signal !== 'SIGSTOP'
  )
}

function defaultSignals(): NodeJS.Signals[] {
  return process.platform === 'win32' ? ['SIGINT', 'SIGBREAK', 'SIGHUP'] : ['SIGINT', 'SIGTERM']
}

/**
 * Opt-in: on SIGINT/SIGTERM (see `signals`), closes every live client and managed resource of
 * this process (in-flight requests finish), then re-raises the same signal so the parent sees a
 * real signal death, not an exit code.
 *
 * - If the application has its own listener for that signal, the signal is NOT re-raised (Node
 *   would not die from it anyway): clients are closed and exiting is left to the application.
 * - A second signal during the drain destroys what is left and re-raises at once.
 * - After `timeoutMs` the drain destroys what is left and re-raises. The timer is unref'd.
 * - Never sets `process.exitCode`, adds nothing until a signal arrives but the signal listeners.
 * - Where a signal cannot be re-raised (SIGBREAK and SIGHUP on Windows), the process ends with
 *   `process.exit()` instead, keeping any `process.exitCode` the application set.
 * - Idempotent: installed once per process (shared by copies of the package); every call returns
 *   its own uninstall function and the listeners go when the last one is called. Options of the
 *   first call win.
 *
 * @throws {ClientError} `FOO_ERR_INVALID_ARGUMENT` when `signals` or `timeoutMs` is invalid.
 *
 * @example
 * ```ts
 * import { gracefulShutdown } from '@foo/client'
 * const uninstall = gracefulShutdown({ timeoutMs: 5_000 })
 * // ... later, if the application takes over signal handling:
 * uninstall()
 * ```
 */
export function gracefulShutdown(options: GracefulShutdownOptions = {}): () => void {
  if (typeof options !== 'object' || options === null) {
    throw invalidArgument(
      'gracefulShutdown(options): options must be an object like { signals, timeoutMs }.',
    )
  }
  const signals = options.signals ?? defaultSignals()
  if (!Array.isArray(signals) || signals.length === 0 || !signals.every(isCatchableSignal)) {
    throw invalidArgument(
      `gracefulShutdown({ signals }): signals must be a non-empty array of signal names this platform can catch, like 'SIGTERM' (not SIGKILL or SIGSTOP), got ${JSON.stringify(signals)}.`,
    )
  }
  const timeoutMs = checkMs('gracefulShutdown({ timeoutMs })', options.timeoutMs, 10_000, 0)
  const registry = sharedRegistry()
  let state = registry.graceful as GracefulState | undefined
  if (state === undefined || state.installs === 0) {
    state = {
      installs: 0,
      draining: false,
      signals: [...new Set(signals)],
      timeoutMs,
      listeners: new Map(),
    }
    registry.graceful = state
    install(registry, state)
  }
  state.installs++
  const installed = state
  let uninstalled = false
  return () => {
    if (uninstalled) return
    uninstalled = true
    // After a signal was handled the listeners are already gone (installs is 0).
    if (installed.installs === 0) return
    installed.installs--
    if (installed.installs === 0) removeListeners(installed)
  }
}

function install(registry: SharedRegistry, state: GracefulState): void {
  for (const signal of state.signals) {
    const listener = (received: NodeJS.Signals) => onSignal(registry, state, received)
    state.listeners.set(signal, listener)
    process.on(signal, listener)
  }
}

function removeListeners(state: GracefulState): void {
  for (const [signal, listener] of state.listeners) process.removeListener(signal, listener)
  state.listeners.clear()
}

function onSignal(registry: SharedRegistry, state: GracefulState, signal: NodeJS.Signals): void {
  if (state.draining) {
    // Second signal: the user wants out now.
    destroyAll(registry)
    finish(state, signal)
    return
  }
  state.draining = true
  let done = false
  const timer = setTimeout(() => {
    if (done) return
    done = true
    destroyAll(registry)
    finish(state, signal)
  }, state.timeoutMs)
  timer.unref()
  Promise.allSettled(registry.live().map((entry) => entry.close())).then(() => {
    if (done) return
    done = true
    clearTimeout(timer)
    finish(state, signal)
  })
}

/** Removes our listeners, then re-raises `signal` unless the application listens for it. */
function finish(state: GracefulState, signal: NodeJS.Signals): void {
  removeListeners(state)
  state.installs = 0
  if (process.listenerCount(signal) > 0) return
  try {
    process.kill(process.pid, signal)
  } catch {
    // Windows can raise only SIGINT/SIGTERM/SIGKILL/SIGQUIT on itself (SIGBREAK, SIGHUP: ENOSYS).
    // End the process anyway, with the exit code the application set, if any.
    process.exit()
  }
}
