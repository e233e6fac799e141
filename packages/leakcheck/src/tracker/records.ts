import type { ContextScope } from './context.js'
import type { HandleKind, Scope } from './types.js'

/** One tracked handle, as recorded at creation. */
export interface HandleRecord {
  readonly id: number
  /** The kind known at creation; sockets are refined (tls, pipe) when read. */
  readonly kind: HandleKind
  /**
   * Held weakly: an open handle is kept alive by the event loop anyway, and a closed one must be
   * free to go (a timer pins its callback's closure, and a test may assert it is collected).
   */
  readonly ref: WeakRef<object>
  readonly scope: Scope
  /** The creation stack as text, formatted at creation (see `add`). */
  readonly stack: string
  /** Pooled sockets: the scope of the last request sent on it. */
  lastUse?: ContextScope
  /** Set by the channel that saw the socket: undici's pool. */
  pool?: 'undici'
  /** Set by listeners for objects whose open state has no property (closed / exited). */
  ended?: boolean
  /** The host name the socket was asked to connect to, when known. */
  host?: string
  /** The watched path of an fs watcher. */
  path?: string
  /** Timers: when it was set; servers: when listen() was called (ms, monotonic clock). */
  setAt?: number
  /** Servers: seen listening at least once (before that, listen() is still resolving). */
  sawListening?: boolean
}

const STACK_LIMIT = 40
// Timers are the hot path (one per request in most clients): a shorter stack formats ~3x faster.
const TIMER_STACK_LIMIT = 16
// Shared by every tracker this module creates, so ids never repeat after a stop() and restart.
let nextId = 1
const SWEEP_EVERY = 512

/** Records whose target is gone or closed are dropped now and then. */
export type IsOpen = (record: HandleRecord, target: object) => boolean

/**
 * The tracked handles of one tracker, in creation order. Nothing here keeps a user object alive:
 * targets are held through `WeakRef`s and stacks are formatted strings.
 */
export class HandleRecords {
  #records: HandleRecord[] = []
  #byTarget = new WeakMap<object, HandleRecord>()
  #sinceSweep = 0
  readonly #isOpen: IsOpen

  constructor(isOpen: IsOpen) {
    this.#isOpen = isOpen
  }

  /** The id of the latest record (of any tracker in this realm). */
  last(): number {
    return nextId - 1
  }

  /**
   * Records `target` unless it is already tracked and open. `caller` is the function whose frame
   * (and everything above it) is left out of the stack. `inherited` reuses another handle's
   * creation stack (a server's, for the sockets it accepts).
   */
  add(
    kind: HandleKind,
    target: object,
    scope: Scope,
    // biome-ignore lint/complexity/noBannedTypes: Error.captureStackTrace takes any function
    caller?: Function,
    inherited?: string,
  ): HandleRecord {
    // Timers are new objects on every call: no lookup, no WeakMap entry (they are the hot path).
    const indexed = kind !== 'timer' && kind !== 'interval'
    if (indexed) {
      const existing = this.#byTarget.get(target)
      if (existing !== undefined && this.#isOpen(existing, target)) return existing
    }
    let stack = inherited
    if (stack === undefined) {
      const trace: { stack?: string } = {}
      const limit = Error.stackTraceLimit
      Error.stackTraceLimit = indexed ? STACK_LIMIT : TIMER_STACK_LIMIT
      Error.captureStackTrace(trace, caller)
      Error.stackTraceLimit = limit
      // Formatted now: an unformatted trace keeps every frame's receiver alive.
      stack = trace.stack ?? ''
    }
    const record: HandleRecord = { id: nextId++, kind, ref: new WeakRef(target), scope, stack }
    this.#records.push(record)
    if (indexed) this.#byTarget.set(target, record)
    if (++this.#sinceSweep >= SWEEP_EVERY) this.sweep()
    return record
  }

  get(target: object): HandleRecord | undefined {
    return this.#byTarget.get(target)
  }

  /** Open records with their targets, oldest first (drops the closed ones). */
  open(): Array<[HandleRecord, object]> {
    const out: Array<[HandleRecord, object]> = []
    const kept: HandleRecord[] = []
    for (const record of this.#records) {
      const target = record.ref.deref()
      if (target === undefined || !this.#isOpen(record, target)) continue
      kept.push(record)
      out.push([record, target])
    }
    this.#records = kept
    this.#sinceSweep = 0
    return out
  }

  sweep(): void {
    this.#sinceSweep = 0
    this.#records = this.#records.filter((record) => {
      const target = record.ref.deref()
      return target !== undefined && this.#isOpen(record, target)
    })
  }
}
