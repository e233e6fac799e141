import type { HandleKind, Scope } from './types.js'

/** One tracked handle, as recorded at creation. */
export interface HandleRecord {
  readonly id: number
  /** The kind known at creation; sockets are refined (tls, pipe) when read. */
  readonly kind: HandleKind
  readonly target: object
  readonly scope: Scope
  /** Holds the creation stack, formatted at creation (see `add`). */
  readonly trace: { stack?: string }
  /** Set by the channel that saw the socket: undici's pool. */
  pool?: 'undici'
  /** Set by listeners for objects whose open state has no property (closed / exited). */
  ended?: boolean
  /** The host name the socket was asked to connect to, when known. */
  host?: string
  /** The watched path of an fs watcher. */
  path?: string
}

const STACK_LIMIT = 40
// Timers are the hot path (one per request in most clients): a shorter stack formats ~3x faster.
const TIMER_STACK_LIMIT = 16
// Shared by every tracker this module creates, so ids never repeat after a stop() and restart.
let nextId = 1
const SWEEP_EVERY = 512

/**
 * The tracked handles of one tracker, in creation order. Records of closed handles are swept
 * now and then so a long-running program does not keep every timer it ever created.
 */
export class HandleRecords {
  #records: HandleRecord[] = []
  #byTarget = new WeakMap<object, HandleRecord>()
  #sinceSweep = 0
  readonly #isOpen: (record: HandleRecord) => boolean

  constructor(isOpen: (record: HandleRecord) => boolean) {
    this.#isOpen = isOpen
  }

  /** The id of the latest record (of any tracker in this realm). */
  last(): number {
    return nextId - 1
  }

  /**
   * Records `target` unless it is already tracked and open. `caller` is the function whose frame
   * (and everything above it) is left out of the stack; without it the report trims our frames.
   * `inherited` reuses another handle's creation stack (a server's, for the sockets it accepts).
   */
  add(
    kind: HandleKind,
    target: object,
    scope: Scope,
    // biome-ignore lint/complexity/noBannedTypes: Error.captureStackTrace takes any function
    caller?: Function,
    inherited?: { stack?: string },
  ): HandleRecord {
    // Timers are new objects on every call: no lookup, no WeakMap entry (they are the hot path).
    const indexed = kind !== 'timer' && kind !== 'interval'
    const existing = indexed ? this.#byTarget.get(target) : undefined
    if (existing !== undefined && this.#isOpen(existing)) return existing
    let trace: { stack?: string } = {}
    if (inherited === undefined) {
      const limit = Error.stackTraceLimit
      Error.stackTraceLimit = indexed ? STACK_LIMIT : TIMER_STACK_LIMIT
      Error.captureStackTrace(trace, caller)
      Error.stackTraceLimit = limit
      // An unformatted trace keeps every frame's receiver alive (a @foo/client among them), so a
      // dropped client could never be collected while a record of a timer it set is kept.
      void trace.stack
    } else {
      trace = inherited
    }
    const record: HandleRecord = { id: nextId++, kind, target, scope, trace }
    this.#records.push(record)
    if (indexed) this.#byTarget.set(target, record)
    if (++this.#sinceSweep >= SWEEP_EVERY) this.sweep()
    return record
  }

  get(target: object): HandleRecord | undefined {
    return this.#byTarget.get(target)
  }

  /** Open records, oldest first (drops the closed ones). */
  open(): HandleRecord[] {
    this.sweep()
    return [...this.#records]
  }

  sweep(): void {
    this.#sinceSweep = 0
    this.#records = this.#records.filter(this.#isOpen)
  }
}
