import { constants } from 'node:os'

/** How the process is expected to end. */
export type ExpectedExit = { code: number } | { signal: NodeJS.Signals }

/** What must hold for a scenario to pass (read by {@link judge}). */
export interface Expectation {
  exit: ExpectedExit
  /** Pattern stderr must match; `undefined` means stderr must be empty. */
  stderr?: RegExp
  /** Most ms allowed from the last response (or the last signal, if later) to the exit. */
  maxExitMs: number
  /**
   * `answered`: every request the server received got its whole response (a drain).
   * `cut`: at least one in-flight request was never answered (the process ended first).
   */
  inFlight?: 'answered' | 'cut'
  /** Every connection ended before the program printed this marker (closed while running). */
  closedBeforeMarker?: string
  /** Markers the program must have printed (it checks something only it can see). */
  markers?: readonly string[]
  /** How many requests the server must have received, over every connection. */
  requests?: number
}

/** A feature only `@foo/client` has: scenarios that need it do not apply to the others. */
export type ClientFeature = 'gracefulShutdown' | 'retry'

/** One exit path: a real program under `packages/testkit/scenarios/`, and what must hold. */
export interface Scenario {
  id: string
  /** What the program does, one line for tables. */
  title: string
  /** The program: a file name under `packages/testkit/scenarios/`, or an absolute file URL. */
  program: string
  /**
   * Sent by the runner once the program's in-flight requests (its `in-flight` marker) reached
   * the server.
   */
  signal?: NodeJS.Signals
  /** The runner sends {@link Scenario.signal} again once the program printed this marker. */
  repeatSignalOn?: string
  /** The program waits for the runner's `go` (its in-flight requests reached the server). */
  goWhenInFlight?: boolean
  /** The program installs its own handler for {@link Scenario.signal}. */
  appHandler?: boolean
  clientOnly?: ClientFeature
  /** At least this many ms before the child counts as hung (default: the run's timeout). */
  minTimeoutMs?: number
  /** The observer's keep-alive timeout; default 5000 (Node's own default). */
  keepAliveTimeout?: number
  /** More environment for the program (its parameters). */
  env?: Readonly<Record<string, string>>
  expect: Expectation
}

// Below undici's 4 s client keep-alive and the server's 5 s: an exit that waited for a keep-alive
// timer fails, while a loaded CI machine (process teardown can take 1 s there) does not.
const QUICK_EXIT_MS = 3000

const signalExitCode = (signal: NodeJS.Signals): number => 128 + (constants.signals[signal] ?? 0)

function signalCases(signal: 'SIGINT' | 'SIGTERM'): Scenario[] {
  const name = signal.toLowerCase()
  return [
    {
      id: `${name}-default`,
      title: `${signal}, no handler, requests in flight`,
      program: 'signal-default.mjs',
      signal,
      expect: { exit: { signal }, maxExitMs: QUICK_EXIT_MS, inFlight: 'cut' },
    },
    {
      id: `${name}-app-handler`,
      title: `${signal}, the app's own handler sets exitCode, requests in flight`,
      program: 'signal-app-handler.mjs',
      signal,
      appHandler: true,
      expect: {
        exit: { code: signalExitCode(signal) },
        maxExitMs: QUICK_EXIT_MS,
        inFlight: 'answered',
      },
    },
    {
      id: `${name}-graceful`,
      title: `${signal}, \`gracefulShutdown()\`, requests in flight`,
      program: 'signal-graceful.mjs',
      signal,
      clientOnly: 'gracefulShutdown',
      expect: { exit: { signal }, maxExitMs: QUICK_EXIT_MS, inFlight: 'answered' },
    },
  ]
}

/** Every exit path, in the order of the reports. */
export const SCENARIOS: readonly Scenario[] = [
  {
    id: 'natural-end',
    title: 'requests, then main returns',
    program: 'natural-end.mjs',
    expect: { exit: { code: 0 }, maxExitMs: QUICK_EXIT_MS },
  },
  {
    id: 'process-exit',
    title: '`process.exit(3)` right after requests',
    program: 'process-exit.mjs',
    expect: { exit: { code: 3 }, maxExitMs: QUICK_EXIT_MS },
  },
  {
    id: 'process-exit-in-flight',
    title: '`process.exit(3)` with requests in flight',
    program: 'process-exit-in-flight.mjs',
    goWhenInFlight: true,
    expect: { exit: { code: 3 }, maxExitMs: QUICK_EXIT_MS, inFlight: 'cut' },
  },
  {
    id: 'uncaught-exception',
    title: 'uncaught exception after requests',
    program: 'uncaught-exception.mjs',
    expect: {
      exit: { code: 1 },
      stderr: /uncaught exception after the last response/,
      maxExitMs: QUICK_EXIT_MS,
    },
  },
  {
    id: 'unhandled-rejection',
    title: 'unhandled rejection after requests',
    program: 'unhandled-rejection.mjs',
    expect: {
      exit: { code: 1 },
      stderr: /unhandled rejection after the last response/,
      maxExitMs: QUICK_EXIT_MS,
    },
  },
  ...signalCases('SIGINT'),
  ...signalCases('SIGTERM'),
  {
    id: 'sigterm-graceful-app-handler',
    title: "SIGTERM, `gracefulShutdown()` beside the app's own handler",
    program: 'signal-graceful.mjs',
    signal: 'SIGTERM',
    appHandler: true,
    clientOnly: 'gracefulShutdown',
    env: { EXIT_APP_HANDLER: '1' },
    expect: {
      exit: { code: signalExitCode('SIGTERM') },
      maxExitMs: QUICK_EXIT_MS,
      inFlight: 'answered',
    },
  },
  {
    id: 'sigint-graceful-second-signal',
    title: 'SIGINT, `gracefulShutdown()`, a second SIGINT during a 30 s drain',
    program: 'signal-graceful.mjs',
    signal: 'SIGINT',
    repeatSignalOn: 'signal-received',
    clientOnly: 'gracefulShutdown',
    env: { EXIT_SLOW_MS: '30000', EXIT_DRAIN_TIMEOUT_MS: '30000', EXIT_MARK_SIGNAL: '1' },
    expect: { exit: { signal: 'SIGINT' }, maxExitMs: QUICK_EXIT_MS, inFlight: 'cut' },
  },
  {
    id: 'sigterm-graceful-drain-timeout',
    title: 'SIGTERM, `gracefulShutdown({ timeoutMs: 500 })`, requests that take 30 s',
    program: 'signal-graceful.mjs',
    signal: 'SIGTERM',
    clientOnly: 'gracefulShutdown',
    env: { EXIT_SLOW_MS: '30000', EXIT_DRAIN_TIMEOUT_MS: '500' },
    expect: { exit: { signal: 'SIGTERM' }, maxExitMs: QUICK_EXIT_MS, inFlight: 'cut' },
  },
  {
    id: 'worker-thread',
    title: 'requests inside a worker thread',
    program: 'worker-thread.mjs',
    expect: { exit: { code: 0 }, maxExitMs: QUICK_EXIT_MS },
  },
  {
    id: 'forked-ipc',
    title: 'forked child with an IPC channel',
    program: 'forked-ipc.mjs',
    expect: { exit: { code: 0 }, maxExitMs: QUICK_EXIT_MS },
  },
  {
    id: 'finalizer-pending',
    title: 'a client dropped and collected, its finalizer still queued at the end',
    program: 'finalizer-pending.mjs',
    expect: { exit: { code: 0 }, maxExitMs: QUICK_EXIT_MS },
  },
  {
    id: 'await-retry-backoff',
    title: 'top-level `await` on a request waiting to retry a 503',
    program: 'await-retry-backoff.mjs',
    clientOnly: 'retry',
    expect: {
      exit: { code: 0 },
      maxExitMs: QUICK_EXIT_MS,
      markers: ['rejected-after-retry'],
      requests: 2,
    },
  },
  {
    id: 'gc-10k',
    title: '10,000 clients dropped, then GC',
    program: 'gc-10k.mjs',
    // 10,000 constructions and four GCs: seconds on a loaded 2-core machine.
    minTimeoutMs: 30_000,
    expect: { exit: { code: 0 }, maxExitMs: 8000, closedBeforeMarker: 'gc-done' },
  },
  {
    id: 'long-keep-alive',
    title: 'server keeps idle sockets 60 s, 1 MiB body',
    program: 'long-keep-alive.mjs',
    keepAliveTimeout: 60_000,
    expect: { exit: { code: 0 }, maxExitMs: QUICK_EXIT_MS },
  },
]

/**
 * The scenario called `id`; throws a `RangeError` listing the ids otherwise.
 *
 * @example
 * ```ts
 * scenario('natural-end').expect.exit // { code: 0 }
 * ```
 */
export function scenario(id: string): Scenario {
  const found = SCENARIOS.find((s) => s.id === id)
  if (!found) {
    throw new RangeError(`no scenario '${id}'; there are ${SCENARIOS.map((s) => s.id).join(', ')}`)
  }
  return found
}

/**
 * Text for an expected exit: `exit 3` or `SIGINT`.
 *
 * @example
 * ```ts
 * describeExit({ code: 3 }) // 'exit 3'
 * ```
 */
export function describeExit(exit: ExpectedExit): string {
  return 'code' in exit ? `exit ${exit.code}` : exit.signal
}
