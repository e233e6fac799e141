import { parseStack } from '../frames.js'
import { allows, validateAllowRules } from './allow.js'
import { type HandleSink, subscribeChannels } from './channels.js'
import { ScopeContext } from './context.js'
import { patchIterators } from './iterators.js'
import {
  childDetails,
  delayOf,
  endpointsOf,
  isClosing,
  isOpen,
  isRefed,
  isSocket,
  isStarting,
  kindOf,
  threadIdOf,
} from './liveness.js'
import { Owners } from './owners.js'
import { patchPorts } from './ports.js'
import { type HandleRecord, HandleRecords } from './records.js'
import { patchTimers } from './timers.js'
import type {
  AllowRule,
  HandleState,
  OpenHandle,
  OpenOptions,
  StackFrame,
  Tracker,
  TrackerOptions,
} from './types.js'
import { patchWatchers } from './watchers.js'

export { realTimers } from './timers.js'
export type {
  AllowRule,
  Endpoint,
  HandleKind,
  HandleOwner,
  HandleState,
  OpenHandle,
  OpenOptions,
  Scope,
  SocketRole,
  StackFrame,
  Tracker,
  TrackerOptions,
} from './types.js'

const trackerKey = Symbol.for('@foo/leakcheck.tracker.2')

/** Parsed stacks, per record: a record's stack never changes, parse it once. */
const parsed = new WeakMap<HandleRecord, StackFrame[]>()
function framesOf(record: HandleRecord): StackFrame[] {
  let frames = parsed.get(record)
  if (frames === undefined) {
    frames = parseStack(record.stack)
    parsed.set(record, frames)
  }
  return frames
}

// The runner's own handles are never seen, by identity rather than by the path of the module
// that opened them: they exist before the setup file starts the tracker, and Vitest arms its
// timeouts with the timer functions it saved before any setup file ran. A server a test starts
// through Vite's own API is the test's.
function createTracker(allow: AllowRule[], onStop: () => void): Tracker {
  const context = new ScopeContext()
  const records = new HandleRecords(isOpen)
  const sink: HandleSink = {
    records,
    scope: () => context.current(),
    agents: new WeakMap(),
    sessions: new WeakMap(),
  }
  const undo = [
    subscribeChannels(sink),
    patchTimers(sink),
    patchWatchers(sink),
    patchIterators(sink),
    patchPorts(sink),
  ]
  const ownerIds = new WeakMap<object, number>()
  let stopped = false

  const snapshot = (record: HandleRecord, target: object, owners: Owners): OpenHandle => {
    const kind = kindOf(record, target)
    let state: HandleState = isRefed(record, target) ? 'active' : 'unref'
    let closing = isClosing(record, target)
    const handle: OpenHandle = {
      id: record.id,
      kind,
      state,
      scope: record.scope,
      frames: framesOf(record),
      stack: record.stack,
    }
    const { local, remote } = endpointsOf(record, target)
    if (local !== undefined) handle.local = local
    if (remote !== undefined) handle.remote = remote
    if (isSocket(target)) {
      handle.role = target.server !== null && target.server !== undefined ? 'accepted' : 'client'
      if (record.lastUse !== undefined) {
        handle.lastUsedBy = { file: record.lastUse.file, test: record.lastUse.test }
      }
      const found = owners.ofSocket(record, target, (server) => records.get(server)?.id)
      if (found.owner !== undefined) handle.owner = found.owner
      closing ||= found.closing
      const owner = found.owner
      const pooled = owner?.type === 'pool' || owner?.type === 'foo-client'
      const idle =
        owner?.type === 'pool' && owner.pool === 'node:http'
          ? (target._httpMessage ?? null) === null
          : !isRefed(record, target)
      if (pooled && idle) state = 'idle-keep-alive'
    }
    if (closing) state = 'closing'
    if (isStarting(record) && (target as { listening?: boolean }).listening !== true)
      state = 'starting'
    handle.state = state
    switch (kind) {
      case 'tcp-server':
        if (
          (target as { constructor?: { name?: string } }).constructor?.name?.startsWith('Http2')
        ) {
          handle.protocol = 'http2'
        }
        break
      case 'udp-socket':
        try {
          const bound = (target as { address(): { address: string; port: number } }).address()
          handle.local = { address: bound.address, port: bound.port }
        } catch {
          // Not bound yet.
        }
        break
      case 'child-process':
        Object.assign(handle, childDetails(target))
        break
      case 'worker': {
        const threadId = threadIdOf(target)
        if (threadId !== undefined) handle.threadId = threadId
        break
      }
      case 'fs-watcher':
      case 'broadcast-channel':
        if (record.path !== undefined) handle.path = record.path
        break
      case 'timer':
      case 'interval': {
        const delay = delayOf(target)
        if (delay !== undefined) handle.delayMs = delay
        break
      }
    }
    return handle
  }

  const open = (options: OpenOptions = {}): OpenHandle[] => {
    const since = options.since ?? 0
    const owners = new Owners(ownerIds, sink.agents, sink.sessions)
    const out: OpenHandle[] = []
    for (const [record, target] of records.open()) {
      if (record.id <= since) continue
      // Left busy by an opted-out test: that test said not to check it.
      if (record.lastUse?.off === true) continue
      if (options.file !== undefined && record.scope.file !== options.file) continue
      // A test's check snapshots what its test opened or last used, and the server ends of
      // connections (to pair them with the test's client ends), not the whole file.
      if (
        options.test !== undefined &&
        record.scope.test !== options.test &&
        record.lastUse?.test !== options.test &&
        !(isSocket(target) && target.server !== null && target.server !== undefined)
      ) {
        continue
      }
      const handle = snapshot(record, target, owners)
      if (allow.some((rule) => allows(rule, handle))) continue
      out.push(handle)
    }
    return out
  }

  return {
    run: (scope, fn) => context.run(scope, fn),
    setBaseScope: (scope) => context.setBase(scope),
    mark: () => records.last(),
    open,
    stop() {
      if (stopped) return
      stopped = true
      for (const fn of undo) fn()
      context.disable()
      onStop()
    },
  }
}

/** Whether a tracker is running in this realm (started by the Vitest setup, a probe or the CLI). */
export function isTrackerRunning(): boolean {
  return (globalThis as { [trackerKey]?: Tracker })[trackerKey] !== undefined
}

/**
 * Starts tracking handles opened from now on: sockets, servers, UDP sockets, pipes, child
 * processes, workers, fs watchers, timers and intervals. One tracker per realm: a second call
 * returns the running one (its `allow` rules are kept).
 *
 * @example
 * ```ts
 * const tracker = startTracker()
 * const mark = tracker.mark()
 * await tracker.run({ test: 'my test' }, () => codeUnderTest())
 * const verdict = await check(tracker, { at: 'test', test: 'my test', since: mark })
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
