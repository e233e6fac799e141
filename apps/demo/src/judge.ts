import type { ConnectionRecord } from '@foo/testkit'
import { applicability, isSignalDeath } from './platform.js'
import { describeExit, type Library, type Scenario } from './scenarios.js'

/** A `@@demo {...}` line a scenario program printed. */
export interface Marker {
  event: string
  at: number
}

/** Everything seen about one run of a scenario program. */
export interface Observation {
  exit: { code: number | null; signal: string | null }
  /** Epoch ms of the child's exit (`undefined` when it had to be killed). */
  exitAt: number | undefined
  /** Epoch ms the runner sent the scenario's signal. */
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
  /** ms from the last response (or the signal, if later) to the exit. */
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

/** Text for a seen exit: `exit 0`, `SIGINT`, `killed (timeout)`. */
export function describeSeenExit(observation: Observation): string {
  if (observation.timedOut) return 'timeout'
  const { code, signal } = observation.exit
  return signal ? signal : `exit ${code}`
}

/**
 * Judges one run of a scenario against its expectation: exit code or signal, time to exit,
 * how connections ended, stderr, and the scenario's own extra checks.
 *
 * @example
 * ```ts
 * const verdict = judge(scenario, 'client', observation, process.platform)
 * if (verdict.status === 'fail') console.log(verdict.reasons.join('; '))
 * ```
 */
export function judge(
  scenario: Scenario,
  library: Library,
  observation: Observation,
  platform: NodeJS.Platform,
): Verdict {
  const expect = scenario.expect
  const counts = countEndings(observation.connections)
  const lastResponse =
    findMarker(observation.markers, 'last-response')?.at ?? observation.serverLastResponseAt
  const reference = Math.max(lastResponse ?? 0, observation.signalAt ?? 0)
  const msToExit =
    observation.exitAt !== undefined && reference > 0 ? observation.exitAt - reference : undefined
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
  if (expect.inFlightCompleted) {
    const unanswered = observation.connections.reduce(
      (sum, c) => sum + Math.max(0, c.requests - c.responses),
      0,
    )
    if (unanswered > 0) reasons.push(`${unanswered} in-flight request(s) never completed`)
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
 * Parses the `@@demo {...}` marker lines out of a child's stdout; other lines are ignored.
 *
 * @example
 * ```ts
 * parseMarkers('@@demo {"event":"last-response","at":1}\n') // [{ event: 'last-response', at: 1 }]
 * ```
 */
export function parseMarkers(stdout: string): Marker[] {
  const markers: Marker[] = []
  for (const line of stdout.split(/\r?\n/)) {
    if (!line.startsWith('@@demo ')) continue
    try {
      const value: unknown = JSON.parse(line.slice(7))
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

function findMarker(markers: readonly Marker[], event: string): Marker | undefined {
  // The last one wins: a forked or worker program may print from more than one place.
  return markers.filter((m) => m.event === event).at(-1)
}

function firstLine(text: string): string {
  const line = text.split(/\r?\n/)[0] ?? ''
  return line.length > 120 ? `${line.slice(0, 117)}...` : line
}
