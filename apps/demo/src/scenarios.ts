/** A library a scenario program uses: ours, or one of the two baselines. */
export type Library = 'client' | 'undici' | 'fetch'

/** Every library, ours first. */
export const LIBRARIES: readonly Library[] = ['client', 'undici', 'fetch']

/** How the process is expected to end. */
export type ExpectedExit = { code: number } | { signal: NodeJS.Signals }

/** What must hold for a scenario to pass. */
export interface Expectation {
  exit: ExpectedExit
  /** Pattern stderr must match; `undefined` means stderr must be empty. */
  stderr?: RegExp
  /** Most ms allowed from the last response (or the signal, if later) to the exit. */
  maxExitMs: number
  /** Every request the server received got its whole response, and no connection was reset. */
  inFlightCompleted?: boolean
  /** Every connection ended before the child printed this marker (closed while running). */
  closedBeforeMarker?: string
}

/** One exit path, run as a real child program from `apps/demo/scenarios/`. */
export interface Scenario {
  id: string
  /** One line for the table. */
  title: string
  /** Program file name under `apps/demo/scenarios/`. */
  file: string
  /** Sent by the runner once the child's slow request reached the server. */
  signal?: NodeJS.Signals
  /** The program installs its own handler for {@link Scenario.signal}. */
  appHandler?: boolean
  /** Uses `gracefulShutdown` from @foo/client: nothing to compare with in the baselines. */
  clientOnly?: boolean
  /** At least this many ms before the child counts as hung (default: the run's --timeout). */
  minTimeoutMs?: number
  /** The observer's keep-alive timeout; default 5000 (Node's own default). */
  keepAliveTimeout?: number
  expect: Expectation
}

// Below undici's 4 s client keep-alive and the server's 5 s: an exit that waited for a keep-alive
// timer fails, while a loaded CI machine (process teardown can take 1 s there) does not.
const QUICK_EXIT_MS = 3000

function signalCases(signal: 'SIGINT' | 'SIGTERM', exitCode: number): Scenario[] {
  const name = signal.toLowerCase()
  return [
    {
      id: `${name}-default`,
      title: `${signal}, no handler, request in flight`,
      file: 'signal-default.mjs',
      signal,
      expect: { exit: { signal }, maxExitMs: QUICK_EXIT_MS },
    },
    {
      id: `${name}-app-handler`,
      title: `${signal}, the app's own handler, request in flight`,
      file: 'signal-app-handler.mjs',
      signal,
      appHandler: true,
      expect: { exit: { code: exitCode }, maxExitMs: QUICK_EXIT_MS, inFlightCompleted: true },
    },
    {
      id: `${name}-graceful`,
      title: `${signal}, gracefulShutdown(), request in flight`,
      file: 'signal-graceful.mjs',
      signal,
      clientOnly: true,
      expect: { exit: { signal }, maxExitMs: QUICK_EXIT_MS, inFlightCompleted: true },
    },
  ]
}

/** Every scenario, in the order of the report. */
export const SCENARIOS: readonly Scenario[] = [
  {
    id: 'natural-end',
    title: 'requests, then main returns',
    file: 'natural-end.mjs',
    expect: { exit: { code: 0 }, maxExitMs: QUICK_EXIT_MS },
  },
  {
    id: 'process-exit',
    title: 'process.exit(3) right after requests',
    file: 'process-exit.mjs',
    expect: { exit: { code: 3 }, maxExitMs: QUICK_EXIT_MS },
  },
  {
    id: 'uncaught-exception',
    title: 'uncaught exception after requests',
    file: 'uncaught-exception.mjs',
    expect: {
      exit: { code: 1 },
      stderr: /uncaught exception after the last response/,
      maxExitMs: QUICK_EXIT_MS,
    },
  },
  {
    id: 'unhandled-rejection',
    title: 'unhandled rejection after requests',
    file: 'unhandled-rejection.mjs',
    expect: {
      exit: { code: 1 },
      stderr: /unhandled rejection after the last response/,
      maxExitMs: QUICK_EXIT_MS,
    },
  },
  ...signalCases('SIGINT', 130),
  ...signalCases('SIGTERM', 143),
  {
    id: 'worker-thread',
    title: 'requests inside a worker thread',
    file: 'worker-thread.mjs',
    expect: { exit: { code: 0 }, maxExitMs: QUICK_EXIT_MS },
  },
  {
    id: 'forked-ipc',
    title: 'forked child with an IPC channel',
    file: 'forked-ipc.mjs',
    expect: { exit: { code: 0 }, maxExitMs: QUICK_EXIT_MS },
  },
  {
    id: 'gc-10k',
    title: '10,000 clients dropped, then GC',
    file: 'gc-10k.mjs',
    // 10,000 constructions and four GCs: seconds on a loaded 2-core machine.
    minTimeoutMs: 30_000,
    expect: { exit: { code: 0 }, maxExitMs: 8000, closedBeforeMarker: 'gc-done' },
  },
  {
    id: 'long-keep-alive',
    title: 'server keeps idle sockets 60 s, 1 MiB body',
    file: 'long-keep-alive.mjs',
    keepAliveTimeout: 60_000,
    expect: { exit: { code: 0 }, maxExitMs: QUICK_EXIT_MS },
  },
]

/** Text for an expected exit: `exit 3` or `SIGINT`. */
export function describeExit(exit: ExpectedExit): string {
  return 'code' in exit ? `exit ${exit.code}` : exit.signal
}
