// The check policy: which open handles are whose leak, grouped by root cause. Pure functions over
// data (no Node objects, no clock), shared by the Vitest setup, the CLI preload and track(), and
// driven by unit tests directly.
import { actionableFrame } from './frames.js'
import type { Endpoint, OpenHandle, Scope, StackFrame } from './tracker/types.js'

/** When a check runs, and so what it may blame. */
export type Checkpoint =
  /** After a test and all its hooks: blame that test. */
  | { at: 'test'; file?: string | undefined; test: string }
  /** After a file's last `afterAll`: everything the file opened that is still open. */
  | { at: 'file'; file?: string | undefined }
  /** When a program exits (the CLI). */
  | { at: 'program' }
  /** A `track()` probe: everything opened since it started. */
  | { at: 'probe' }

/** Options of the policy. */
export interface PolicyOptions {
  /**
   * A pending one-shot timer of at most this many ms is a warning, not a failure: the guard of a
   * `Promise.race([work, timeout(3000)])` does nothing when it fires and keeps a process alive
   * only that long. Longer timers and every interval fail. Default 5000 (Vitest's test timeout).
   */
  shortTimerMs: number
}

/** Why a group is reported: each reason has its own Fix line. */
export type Reason =
  /** Opened by the blamed scope and still open. */
  | 'left-open'
  /** A pooled connection the blamed test left mid-request (unread body, request in flight). */
  | 'left-busy'
  /** Idle sockets of a pool nobody closed, checked when the file ended. */
  | 'pool-not-closed'
  /** A pending one-shot timer short enough to be harmless (a warning). */
  | 'short-timer'
  /** Still running but unref'd: it does not keep the process alive (a warning). */
  | 'unref'

/** One root cause: the handle to close, and what closes with it. */
export interface LeakGroup {
  /** The handles that are the root cause (several when identical causes are merged). */
  causes: OpenHandle[]
  /** Handles that close with the causes: accepted sockets, the other end of a connection. */
  members: OpenHandle[]
  severity: 'leak' | 'warning'
  reason: Reason
  /** Who is blamed: a test, or the file level. */
  blame: Scope
  /** Where the causes were opened, one per distinct site (the frame a user acts on). */
  sites: StackFrame[]
}

/** What a check found. */
export interface Verdict {
  leaks: LeakGroup[]
  warnings: LeakGroup[]
  /** Reported handles whose close has started (or servers still starting): worth waiting for. */
  closing: OpenHandle[]
}

/** The default policy options. */
export const DEFAULT_POLICY: PolicyOptions = Object.freeze({ shortTimerMs: 5000 })

const isSocket = (h: OpenHandle) =>
  h.kind === 'tcp-socket' || h.kind === 'tls-socket' || (h.kind === 'pipe' && h.role !== undefined)

const sameEndpoint = (a: Endpoint | undefined, b: Endpoint | undefined) =>
  a !== undefined && b !== undefined && a.address === b.address && a.port === b.port

const WILDCARD = new Set(['::', '0.0.0.0', '::0'])
const plain = (address: string) => address.replace(/^::ffff:/, '')

/** A client socket of this process connected to `server` (its accepted end may not be seen yet). */
function connectsTo(client: OpenHandle, server: OpenHandle): boolean {
  const remote = client.remote
  const local = server.local
  if (remote === undefined || local === undefined || local.port === undefined) return false
  if (remote.port !== local.port) return false
  return WILDCARD.has(local.address) || plain(local.address) === plain(remote.address)
}

/** Pooled sockets are blamed on the last request's sender; the rest on their opener. */
export function blameOf(handle: OpenHandle): Scope {
  const pooled = handle.owner?.type === 'pool' || handle.owner?.type === 'foo-client'
  return pooled && handle.state !== 'idle-keep-alive' && handle.lastUsedBy !== undefined
    ? handle.lastUsedBy
    : handle.scope
}

/** Whether a check at `point` decides about `handle` at all (its owner may decide later). */
function ownedHere(handle: OpenHandle, point: Checkpoint): boolean {
  const owner = handle.owner
  // Idle keep-alive sockets belong to their pool: never a test's; the file's only if the pool is
  // not a process-wide one (global fetch, http.globalAgent) nor a @foo/client (which closes itself
  // when collected and at exit).
  if (handle.state === 'idle-keep-alive') {
    if (point.at !== 'file' && point.at !== 'program') return false
    return owner?.type === 'pool' && !owner.global
  }
  // A live @foo/client's sockets are destroyed by its own exit hook.
  if (point.at === 'program' && owner?.type === 'foo-client') return false
  // Accepted sockets belong to their server: they are reported with it (or with the client end).
  if (owner?.type === 'server') return false
  // An unref'd timer or channel, or a port nobody listens on, keeps nothing alive (msw 2 opens an
  // unref'd BroadcastChannel when it is imported, that only msw could close).
  if (
    (handle.kind === 'timer' ||
      handle.kind === 'interval' ||
      handle.kind === 'message-port' ||
      handle.kind === 'broadcast-channel') &&
    handle.state === 'unref'
  ) {
    return false
  }
  return true
}

function blamedOn(handle: OpenHandle, point: Checkpoint): boolean {
  const blame = blameOf(handle)
  switch (point.at) {
    case 'test':
      return blame.test === point.test && (point.file === undefined || blame.file === point.file)
    case 'file':
      return (
        point.file === undefined || blame.file === point.file || handle.scope.file === point.file
      )
    default:
      return true
  }
}

function classify(
  handle: OpenHandle,
  options: PolicyOptions,
  point: Checkpoint,
): Pick<LeakGroup, 'severity' | 'reason'> {
  if (handle.state === 'idle-keep-alive') return { severity: 'leak', reason: 'pool-not-closed' }
  if (handle.kind === 'timer') {
    const short = handle.delayMs !== undefined && handle.delayMs <= options.shortTimerMs
    return short
      ? { severity: 'warning', reason: 'short-timer' }
      : { severity: 'leak', reason: 'left-open' }
  }
  // An unref'd child or worker outlives a test harmlessly, but not the program that started it.
  if (
    point.at !== 'program' &&
    handle.state === 'unref' &&
    (handle.kind === 'child-process' ||
      handle.kind === 'worker' ||
      handle.kind === 'udp-socket' ||
      handle.kind === 'fs-watcher')
  ) {
    return { severity: 'warning', reason: 'unref' }
  }
  const pooled = handle.owner?.type === 'pool' || handle.owner?.type === 'foo-client'
  if (pooled && handle.lastUsedBy !== undefined) return { severity: 'leak', reason: 'left-busy' }
  return { severity: 'leak', reason: 'left-open' }
}

/** The accepted socket at the other end of a client socket of this process, if any. */
function peerOf(client: OpenHandle, accepted: OpenHandle[]): OpenHandle | undefined {
  return accepted.find(
    (a) => sameEndpoint(a.local, client.remote) && sameEndpoint(a.remote, client.local),
  )
}

function siteKey(frame: StackFrame | undefined, handle: OpenHandle): string {
  return frame === undefined ? handle.stack : `${frame.file}:${frame.line}:${frame.column}`
}

function mergeKey(group: LeakGroup): string {
  const cause = group.causes[0] as OpenHandle
  const owner = cause.owner
  return JSON.stringify([
    group.severity,
    group.reason,
    group.blame.file,
    group.blame.test,
    cause.kind,
    cause.role,
    cause.state,
    owner?.type,
    // undici keeps one Client per connection: a pool is known by its kind and where it connects.
    owner?.type === 'pool'
      ? [owner.pool, owner.global, cause.remote?.host ?? cause.remote?.address, cause.remote?.port]
      : owner?.type === 'foo-client'
        ? owner.name
        : undefined,
    // A pool is one root cause wherever its requests were sent from; other causes, per line.
    group.reason === 'left-busy' || group.reason === 'pool-not-closed'
      ? undefined
      : siteKey(group.sites[0], cause),
  ])
}

/** Merges groups with the same cause kind, state, owner, blame and creation site. */
function mergeGroups(groups: LeakGroup[]): LeakGroup[] {
  const merged = new Map<string, LeakGroup>()
  for (const g of groups) {
    const key = mergeKey(g)
    const existing = merged.get(key)
    if (existing === undefined) {
      merged.set(key, { ...g, causes: [...g.causes], members: [...g.members], sites: [...g.sites] })
      continue
    }
    existing.causes.push(...g.causes)
    existing.members.push(...g.members)
    for (const site of g.sites) {
      const key = siteKey(site, g.causes[0] as OpenHandle)
      if (!existing.sites.some((known) => siteKey(known, g.causes[0] as OpenHandle) === key)) {
        existing.sites.push(site)
      }
    }
  }
  return [...merged.values()]
}

function singleGroup(
  cause: OpenHandle,
  members: OpenHandle[],
  testFile: string | undefined,
  options: PolicyOptions,
  point: Checkpoint,
): LeakGroup {
  const site = actionableFrame(cause.frames, testFile ?? cause.scope.file)
  return {
    causes: [cause],
    members,
    ...classify(cause, options, point),
    blame: blameOf(cause),
    sites: site === undefined ? [] : [site],
  }
}

/**
 * Groups handles for a report without judging them (each is a leak): identical ones, opened at
 * one line in one scope, become one group. For handles from `tracker.open()` or a probe.
 *
 * @example
 * ```ts
 * const text = formatGroups(groupHandles(tracker.open({ since: mark })))
 * ```
 */
export function groupHandles(
  handles: readonly OpenHandle[],
  options: PolicyOptions = DEFAULT_POLICY,
): LeakGroup[] {
  return mergeGroups(handles.map((h) => singleGroup(h, [], undefined, options, { at: 'probe' })))
}

/**
 * Decides which open handles a check blames, and groups them by root cause: a server with the
 * sockets it accepted and the client ends in this process; the two ends of one connection as
 * one entry; a pool's idle sockets as the pool; identical causes opened at one line as one group.
 *
 * @example
 * ```ts
 * const verdict = judge(tracker.open({ since: mark }), { at: 'test', file, test: 'GET /' })
 * for (const group of verdict.leaks) console.error(group.reason, group.causes.length)
 * ```
 */
export function judge(
  handles: readonly OpenHandle[],
  point: Checkpoint,
  options: PolicyOptions = DEFAULT_POLICY,
): Verdict {
  const accepted = handles.filter((h) => isSocket(h) && h.role === 'accepted')
  const servers = new Map<number, OpenHandle>()
  for (const h of handles)
    if (h.kind === 'tcp-server' || (h.kind === 'pipe' && h.role === undefined)) servers.set(h.id, h)
  const claimed = new Set<number>()
  const groups: LeakGroup[] = []
  const testFile = point.at === 'test' || point.at === 'file' ? point.file : undefined

  const group = (cause: OpenHandle, members: OpenHandle[]): void => {
    for (const m of [cause, ...members]) claimed.add(m.id)
    groups.push(singleGroup(cause, members, testFile, options, point))
  }

  for (const handle of handles) {
    if (claimed.has(handle.id) || !ownedHere(handle, point) || !blamedOn(handle, point)) continue
    const isServer = servers.has(handle.id)
    if (isServer) {
      // The server, the connections it accepted, and the client ends of those in this process.
      const mine = accepted.filter((a) => a.owner?.type === 'server' && a.owner.id === handle.id)
      const clients = handles.filter(
        (h) => isSocket(h) && h.role === 'client' && !claimed.has(h.id) && connectsTo(h, handle),
      )
      group(handle, [...mine, ...clients])
      continue
    }
    if (isSocket(handle) && handle.role === 'client') {
      const peer = peerOf(handle, accepted)
      // Connected to a server that is itself reported: the server's group takes it.
      const reportedServer = [...servers.values()].some(
        (server) =>
          connectsTo(handle, server) && ownedHere(server, point) && blamedOn(server, point),
      )
      if (reportedServer) continue
      group(handle, peer === undefined ? [] : [peer])
      continue
    }
    group(handle, [])
  }

  // Accepted sockets whose server is gone (closed, still draining) and whose client end is not
  // in this process: reported on their own, blamed like their server was.
  for (const a of accepted) {
    if (claimed.has(a.id) || a.owner?.type !== 'server' || servers.has(a.owner.id)) continue
    if (!blamedOn(a, point)) continue
    group(a, [])
  }

  const all = mergeGroups(groups)
  // Worth waiting for: what is closing or still starting. Not the server end of a connection
  // whose client end is here and open: a stopped server waits on that client, which will not go.
  const clientPeer = (h: OpenHandle) =>
    handles.find((c) => isSocket(c) && c.role === 'client' && peerOf(c, [h]) !== undefined)
  const closing = all
    .flatMap((g) => [...g.causes, ...g.members])
    .filter((h) => h.state === 'closing' || h.state === 'starting')
    .filter((h) => {
      if (h.role !== 'accepted') return true
      const peer = clientPeer(h)
      return peer === undefined || peer.state === 'closing'
    })
  return {
    leaks: all.filter((g) => g.severity === 'leak'),
    warnings: all.filter((g) => g.severity === 'warning'),
    closing,
  }
}
