import { allows, validateAllowRules } from './allow.js'
import { subscribeChannels } from './channels.js'
import { ScopeContext } from './context.js'
import { addressesOf, describe, isOpen, kindOf, poolOf, stateOf } from './liveness.js'
import { ownerOf } from './owners.js'
import { type HandleRecord, HandleRecords } from './records.js'
import { createdByRunner } from './runner.js'
import { gcFunction, pollUntilStable, tick } from './settle.js'
import { patchTimers, realTimers } from './timers.js'
import type {
  AllowRule,
  OpenHandle,
  OpenOptions,
  Scope,
  SettleOptions,
  SettleResult,
  Tracker,
  TrackerOptions,
} from './types.js'
import { patchWatchers } from './watchers.js'

export { realTimers } from './timers.js'
export type {
  AllowRule,
  HandleKind,
  HandleOwner,
  HandleState,
  OpenHandle,
  OpenOptions,
  Scope,
  SettleOptions,
  SettleResult,
  Tracker,
  TrackerOptions,
} from './types.js'

const trackerKey = Symbol.for('@foo/leakcheck.tracker')
const DEFAULT_DEADLINE_MS = 1000
const QUIET_MS = 100

function matchesScope(scope: Scope, wanted: Partial<Scope> | undefined): boolean {
  if (wanted === undefined) return true
  for (const key of Object.keys(wanted) as Array<keyof Scope>) {
    if (scope[key] !== wanted[key]) return false
  }
  return true
}

function toOpenHandle(record: HandleRecord): OpenHandle {
  const kind = kindOf(record)
  const addresses = addressesOf(record)
  const handle: OpenHandle = {
    id: record.id,
    kind,
    state: stateOf(record),
    scope: { ...record.scope },
    stack: record.trace.stack ?? '',
    description: describe(record, kind, addresses),
  }
  if (addresses.local !== undefined) handle.local = addresses.local
  if (addresses.remote !== undefined) handle.remote = addresses.remote
  if (kind === 'tcp-socket' || kind === 'tls-socket' || kind === 'pipe') {
    const pool = poolOf(record)
    if (pool !== undefined) handle.pool = pool
    const owner = ownerOf(record.target)
    if (owner !== undefined) handle.owner = owner
  }
  return handle
}

/** Whether an open handle is a leak by default (unref'd timers do not keep a program alive). */
function reportable(handle: OpenHandle): boolean {
  if ((handle.kind === 'timer' || handle.kind === 'interval') && handle.state === 'unref') {
    return false
  }
  return true
}

function createTracker(allow: AllowRule[], onStop: () => void): Tracker {
  const context = new ScopeContext()
  const records = new HandleRecords(isOpen)
  const sink = { records, stamp: () => context.stamp() }
  const undo = [subscribeChannels(sink), patchTimers(sink), patchWatchers(sink)]
  const runnerOwned = new WeakSet<HandleRecord>()
  let stopped = false

  const open = (options: OpenOptions = {}): OpenHandle[] => {
    const since = options.since ?? 0
    const out: OpenHandle[] = []
    for (const record of records.open()) {
      if (record.id <= since || runnerOwned.has(record)) continue
      if (!matchesScope(record.scope, options.scope)) continue
      const handle = toOpenHandle(record)
      if (createdByRunner(handle.stack)) {
        runnerOwned.add(record)
        continue
      }
      if (!reportable(handle)) continue
      if (allow.some((rule) => allows(rule, handle))) continue
      out.push(handle)
    }
    return out
  }

  return {
    setScope: (scope) => context.set(scope),
    currentScope: () => context.get(),
    mark: () => records.last(),
    open,
    async settle(options: SettleOptions = {}): Promise<SettleResult> {
      const deadlineMs = options.deadlineMs ?? DEFAULT_DEADLINE_MS
      const deadline = realTimers.now() + deadlineMs
      const quietMs = Math.min(QUIET_MS, deadlineMs / 4)
      const read = () => open(options)
      let leaks = read()
      if (leaks.length === 0) return { leaks, collected: 0 }
      leaks = await pollUntilStable(read, realTimers.now() + deadlineMs / 2, quietMs)
      let collected = 0
      const gc = options.gc === false ? null : gcFunction()
      if (leaks.length > 0 && gc !== null) {
        const before = new Set(leaks.map((h) => h.id))
        // Reading owners deref()s WeakRefs, which keeps their targets alive until the current
        // job ends: collect from a fresh macrotask, twice (objects freed by the first pass).
        // FinalizationRegistry callbacks then run in a later macrotask.
        for (let pass = 0; pass < 2; pass++) {
          await tick()
          gc()
        }
        await tick()
        await tick()
        leaks = await pollUntilStable(read, deadline, quietMs)
        const after = new Set(leaks.map((h) => h.id))
        for (const id of before) if (!after.has(id)) collected++
      }
      return { leaks, collected }
    },
    stop() {
      if (stopped) return
      stopped = true
      for (const fn of undo) fn()
      onStop()
    },
  }
}

/**
 * Starts tracking handles opened from now on: sockets, servers, UDP sockets, pipes, child
 * processes, workers, fs watchers, timers and intervals. One tracker per realm: a second call
 * returns the running one (its `allow` rules are kept).
 *
 * @example
 * ```ts
 * const tracker = startTracker({ allow: [{ host: 'localhost', port: 6379 }] })
 * const mark = tracker.mark()
 * // ... code under test ...
 * const { leaks } = await tracker.settle({ since: mark })
 * if (leaks.length > 0) throw new Error(formatLeaks(leaks))
 * ```
 * @throws {LeakcheckError} `LEAKCHECK_INVALID_ALLOW_RULE` for a malformed rule.
 */
export function startTracker(options: TrackerOptions = {}): Tracker {
  const allow = validateAllowRules(options.allow)
  const host = globalThis as { [trackerKey]?: Tracker }
  const running = host[trackerKey]
  if (running !== undefined) return running
  const tracker = createTracker(allow, () => {
    if (host[trackerKey] === tracker) delete host[trackerKey]
  })
  Object.defineProperty(host, trackerKey, { value: tracker, configurable: true, writable: true })
  return tracker
}
