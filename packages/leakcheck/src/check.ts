import {
  type Checkpoint,
  DEFAULT_POLICY,
  judge,
  type PolicyOptions,
  type Verdict,
} from './policy.js'
import { realTimers } from './tracker/index.js'
import { gcFunction, tick } from './tracker/settle.js'
import type { OpenHandle, Tracker } from './tracker/types.js'

/** Options of {@link check}. */
export interface CheckOptions extends Partial<PolicyOptions> {
  /** How long to wait, at most, for handles whose close has started (ms, real time). Default 1000. */
  settleMs?: number
  /** Only handles created after this mark (a probe's start). */
  since?: number
  /** Handles already reported by an earlier check of the same file. */
  exclude?: ReadonlySet<number>
}

/** What {@link check} found, and how many handles a garbage collection closed. */
export interface CheckResult extends Verdict {
  /** Handles closed by their owner's finalizer after a GC (a dropped `@foo/client`). */
  collected: number
}

// Handles that close a tick after the check starts (a FIN in flight, a close callback queued)
// are let go after a few turns of the loop; only handles whose close has started are waited for.
const SPIN_TURNS = 3

const empty = (verdict: Verdict) => verdict.leaks.length === 0 && verdict.warnings.length === 0

function handlesOf(verdict: Verdict): OpenHandle[] {
  return [...verdict.leaks, ...verdict.warnings].flatMap((g) => [...g.causes, ...g.members])
}

/**
 * Runs the policy on the tracker's open handles at a checkpoint, settling first: a few turns of
 * the event loop, then (only for handles whose close has started: a killed child, an ended
 * socket, a connection of a closing server) polling until they close or `settleMs` passes, then
 * (only for sockets of a `@foo/client` still reported) one GC so a dropped client's finalizer
 * can close it. An idle open handle is reported without waiting. Real timers throughout.
 *
 * @example
 * ```ts
 * const { leaks, warnings } = await check(tracker, { at: 'test', file, test: 'GET /' })
 * if (leaks.length > 0) throw new LeakError(leaks, formatVerdict(leaks))
 * ```
 */
export async function check(
  tracker: Tracker,
  point: Checkpoint,
  options: CheckOptions = {},
): Promise<CheckResult> {
  const policy: PolicyOptions = {
    shortTimerMs: options.shortTimerMs ?? DEFAULT_POLICY.shortTimerMs,
  }
  const settleMs = options.settleMs ?? 1000
  const file = point.at === 'test' || point.at === 'file' ? point.file : undefined
  const read = (final = false): Verdict => {
    const open = tracker.open(
      options.since === undefined
        ? {
            ...(file === undefined ? {} : { file }),
            ...(point.at === 'test' ? { test: point.test } : {}),
          }
        : { since: options.since },
    )
    const exclude = options.exclude
    // After waiting, a server that never managed to listen (an address in use) is not open.
    const kept = open.filter((h) => !exclude?.has(h.id) && !(final && h.state === 'starting'))
    return judge(kept, point, policy)
  }
  let verdict = read()
  if (empty(verdict)) return { ...verdict, collected: 0 }
  const deadline = realTimers.now() + settleMs
  for (let turn = 0; turn < SPIN_TURNS && !empty(verdict); turn++) {
    await tick()
    verdict = read()
  }
  verdict = await waitForClosing(verdict, read, deadline)
  let collected = 0
  const owned = handlesOf(verdict).filter((h) => h.owner?.type === 'foo-client')
  const gc = owned.length > 0 ? gcFunction() : null
  if (gc !== null) {
    // Reading owners deref()s WeakRefs, which keeps their targets alive until the current job
    // ends: collect from fresh macrotasks, twice (objects freed by the first pass); finalizers
    // then run in a later macrotask.
    for (let pass = 0; pass < 2; pass++) {
      await tick()
      gc()
    }
    await tick()
    await tick()
    verdict = await waitForClosing(read(), read, Math.max(deadline, realTimers.now() + 100))
    const left = new Set(handlesOf(verdict).map((h) => h.id))
    collected = owned.filter((h) => !left.has(h.id)).length
  }
  if (handlesOf(verdict).some((h) => h.state === 'starting')) verdict = read(true)
  return { ...verdict, collected }
}

async function waitForClosing(
  verdict: Verdict,
  read: () => Verdict,
  deadline: number,
): Promise<Verdict> {
  // Timers due soon are waited for only if they were there at the start: work that keeps
  // arming a new short timer as each one fires (a stream pulled every 20 ms) is a chain that
  // would never settle, and is reported as it stands.
  const timers = new Set(verdict.closing.filter((h) => h.kind === 'timer').map((h) => h.id))
  const waitingFor = (v: Verdict) => v.closing.some((h) => h.kind !== 'timer' || timers.has(h.id))
  let current = verdict
  let wait = 1
  while (waitingFor(current) && realTimers.now() < deadline) {
    await tick(Math.min(wait, Math.max(0, deadline - realTimers.now())))
    wait = Math.min(wait * 2, 50)
    current = read()
  }
  return current
}
