import type { ConnectionRecord } from '../observer.js'
import type { PeerName } from '../peers.js'
import { MARKER_TAG } from './marker.js'
import { applicability, isSignalDeath } from './platform.js'
import { describeExit, type Scenario } from './scenarios.js'

/** A marker line a scenario program printed. */
export interface Marker {
  event: string
  /** Epoch ms (sub-ms precision). */
  at: number
  [extra: string]: unknown
}

/** Everything seen about one run of a scenario program. */
export interface Observation {
  exit: { code: number | null; signal: string | null }
  /** Epoch ms of the child's exit (`undefined` when it had to be killed). */
  exitAt: number | undefined
  /** Epoch ms the runner sent the scenario's (last) signal. */
  signalAt: number | undefined
  timedOut: boolean
  markers: Marker[]
  stderr: string
  connections: ConnectionRecord[]
  /** Epoch ms of the server's last fully written response. */
  serverLastResponseAt: number | undefined
}

/** Connection endings counted. */
export interface ConnectionCounts {
  total: number
  fin: number
  rst: number
  server: number
  open: number
  /** TLS connections whose peer sent close_notify. */
  closeNotify: number
}

/** The verdict on one run. */
export interface Verdict {
  status: 'pass' | 'fail' | 'n/a'
  /** Why it failed (empty on pass) or why it does not apply. */
  reasons: string[]
  expectedExit: string
  seenExit: string
  /** ms from the last response (or the last signal, if later) to the exit, rounded. */
  msToExit: number | undefined
  counts: ConnectionCounts
}

/**
 * Counts how the connections of a run ended.
 *
 * @example
 * ```ts
 * countEndings(records) // { total: 2, fin: 2, rst: 0, server: 0, open: 0, closeNotify: 0 }
 * ```
 */
export function countEndings(connections: readonly ConnectionRecord[]): ConnectionCounts {
  const counts: ConnectionCounts = { total: 0, fin: 0, rst: 0, server: 0, open: 0, closeNotify: 0 }
  for (const c of connections) {
    counts.total++
    counts[c.ending]++
    if (c.tlsCloseNotify) counts.closeNotify++
  }
  return counts
}

/**
 * Text for a seen exit: `exit 0`, `SIGINT`, `timeout`.
 *
 * @example
 * ```ts
 * describeSeenExit(observation) // 'exit 0'
 * ```
 */
export function describeSeenExit(observation: Pick<Observation, 'timedOut' | 'exit'>): string {
  if (observation.timedOut) return 'timeout'
  const { code, signal } = observation.exit
  return signal ? signal : `exit ${code}`
}

/**
 * Judges one run of a scenario against its expectation: exit code or signal, time to exit, how
 * connections ended, stderr, in-flight requests and the scenario's own markers. Pure: the
 * platform is passed in, so Linux tests cover every platform.
 *
 * @example
 * ```ts
 * const verdict = judge(scenario, 'client', observation, process.platform)
 * if (verdict.status === 'fail') console.log(verdict.reasons.join('; '))
 * ```
 */
export function judge(
  scenario: Scenario,
  library: PeerName,
  observation: Observation,
  platform: NodeJS.Platform,
): Verdict {
  const expect = scenario.expect
  const counts = countEndings(observation.connections)
  const lastResponse =
    findMarker(observation.markers, 'last-response')?.at ?? observation.serverLastResponseAt
  const reference = Math.max(lastResponse ?? 0, observation.signalAt ?? 0)
  const msToExit =
    observation.exitAt !== undefined && reference > 0
      ? Math.round(observation.exitAt - reference)
      : undefined
  const base = {
    expectedExit: describeExit(expect.exit),
    seenExit: describeSeenExit(observation),
    msToExit,
    counts,
  }
  const fit = applicability(scenario, library, platform)
  if (!fit.applicable) return { status: 'n/a', reasons: [fit.reason], ...base }

  const reasons: string[] = []
  if (observation.timedOut) {
    reasons.push('did not exit in time: killed')
  } else if ('code' in expect.exit) {
    if (observation.exit.code !== expect.exit.code || observation.exit.signal !== null) {
      reasons.push(`expected ${base.expectedExit}, saw ${base.seenExit}`)
    }
  } else if (!isSignalDeath(observation.exit, expect.exit.signal, platform)) {
    reasons.push(`expected death by ${expect.exit.signal}, saw ${base.seenExit}`)
  }
  if (msToExit !== undefined && msToExit > expect.maxExitMs) {
    reasons.push(`took ${msToExit} ms to exit after the last response (limit ${expect.maxExitMs})`)
  }
  if (counts.total === 0) reasons.push('the server saw no connection')
  if (counts.rst > 0) reasons.push(`${counts.rst} connection(s) reset (RST)`)
  if (counts.open > 0) reasons.push(`${counts.open} connection(s) left open`)
  if (counts.server > 0) reasons.push(`${counts.server} connection(s) closed by the server first`)
  const stderr = observation.stderr.trim()
  if (expect.stderr === undefined && stderr !== '') {
    reasons.push(`unexpected stderr: ${firstLine(stderr)}`)
  } else if (expect.stderr !== undefined && !expect.stderr.test(stderr)) {
    reasons.push(`stderr does not match ${expect.stderr}`)
  }
  const unanswered = observation.connections.reduce(
    (sum, c) => sum + Math.max(0, c.requests - c.responses),
    0,
  )
  if (expect.inFlight === 'answered' && unanswered > 0) {
    reasons.push(`${unanswered} in-flight request(s) never answered`)
  }
  if (expect.inFlight === 'cut' && unanswered === 0) {
    reasons.push('no request was in flight when the process ended')
  }
  if (expect.requests !== undefined) {
    const requests = observation.connections.reduce((sum, c) => sum + c.requests, 0)
    if (requests !== expect.requests) {
      reasons.push(`the server saw ${requests} request(s), expected ${expect.requests}`)
    }
  }
  for (const event of expect.markers ?? []) {
    if (!findMarker(observation.markers, event)) {
      reasons.push(`the program never printed '${event}'`)
    }
  }
  if (expect.closedBeforeMarker !== undefined) {
    const marker = findMarker(observation.markers, expect.closedBeforeMarker)
    if (!marker) {
      reasons.push(`the program never printed '${expect.closedBeforeMarker}'`)
    } else {
      const late = observation.connections.filter(
        (c) => c.endedAt === undefined || c.endedAt > marker.at,
      ).length
      if (late > 0) {
        reasons.push(`${late} connection(s) still open at '${expect.closedBeforeMarker}'`)
      }
    }
  }
  return { status: reasons.length === 0 ? 'pass' : 'fail', reasons, ...base }
}

/**
 * Parses the marker lines (`@@exit {...}`) out of a child's stdout; other lines are ignored.
 *
 * @example
 * ```ts
 * parseMarkers('@@exit {"event":"last-response","at":1}\n') // [{ event: 'last-response', at: 1 }]
 * ```
 */
export function parseMarkers(stdout: string): Marker[] {
  const markers: Marker[] = []
  for (const line of stdout.split(/\r?\n/)) {
    if (!line.startsWith(MARKER_TAG)) continue
    try {
      const value: unknown = JSON.parse(line.slice(MARKER_TAG.length))
      if (isMarker(value)) markers.push(value)
    } catch {
      // A line cut short by a kill: not a marker.
    }
  }
  return markers
}

function isMarker(value: unknown): value is Marker {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Marker).event === 'string' &&
    typeof (value as Marker).at === 'number'
  )
}

/**
 * The last marker called `event` (a forked or worker program may print from more than one place).
 *
 * @example
 * ```ts
 * findMarker(outcome.markers, 'gc-done')?.at
 * ```
 */
export function findMarker(markers: readonly Marker[], event: string): Marker | undefined {
  return markers.filter((m) => m.event === event).at(-1)
}

function firstLine(text: string): string {
  const line = text.split(/\r?\n/)[0] ?? ''
  return line.length > 120 ? `${line.slice(0, 117)}...` : line
}
