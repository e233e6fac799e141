import { type ChildProcess, spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { type ConnectionRecord, type Observer, startObserver } from '@foo/testkit'
import { countEndings, judge, type Observation, parseMarkers, type Verdict } from './judge.js'
import type { LeakcheckResult } from './leakcheck.js'
import type { NodeBinary } from './nodes.js'
import { applicability } from './platform.js'
import { describeExit, type Library, type Scenario } from './scenarios.js'

/** Where the scenario programs live (they run on plain `node`, no build). */
export const SCENARIO_DIR: string = fileURLToPath(new URL('../scenarios/', import.meta.url))
/** The demo package root: scenarios run from here so bare imports resolve. */
export const DEMO_DIR: string = fileURLToPath(new URL('../', import.meta.url))

/** What a run needs besides the scenario itself. */
export interface RunContext {
  node: NodeBinary
  /** A file holding the observer's CA (HTTPS), for DEMO_CA_FILE and NODE_EXTRA_CA_CERTS. */
  caFile: string
  /** ms before a child that has not exited is diagnosed and killed. */
  timeoutMs: number
  platform: NodeJS.Platform
}

/** One scenario x library x Node run, as stored in results.json. */
export interface RunResult {
  scenario: string
  title: string
  library: Library
  nodeVersion: string
  nodeMajor: number
  platform: NodeJS.Platform
  status: Verdict['status']
  reasons: string[]
  expectedExit: string
  seenExit: string
  msToExit: number | undefined
  connections: Verdict['counts']
  /** Each connection as the observer saw it: how and when (ms after accept / last response). */
  connectionDetails: Array<
    Pick<
      ConnectionRecord,
      | 'ending'
      | 'msAfterAccept'
      | 'msAfterLastResponse'
      | 'requests'
      | 'responses'
      | 'tlsCloseNotify'
    >
  >
  stderr: string
  diagnosis: string | undefined
  leakcheck: LeakcheckResult
  durationMs: number
}

/** The raw outcome of one child program against an observer. */
export interface ChildOutcome extends Observation {
  stdout: string
}

/**
 * Runs one scenario program once as a child, against its own observer, and collects what was
 * seen. A child still running after `timeoutMs` is killed (SIGKILL) and marked timed out.
 *
 * @example
 * ```ts
 * const outcome = await runChild(scenario, 'client', context)
 * ```
 */
export async function runChild(
  scenario: Scenario,
  library: Library,
  context: RunContext,
  options: { extraNodeArgs?: string[]; onTimeout?: (child: ChildProcess) => Promise<void> } = {},
): Promise<ChildOutcome> {
  const observer = await startObserver({ keepAliveTimeout: scenario.keepAliveTimeout ?? 5000 })
  try {
    const child = spawn(
      context.node.path,
      [...(options.extraNodeArgs ?? []), `${SCENARIO_DIR}${scenario.file}`],
      {
        cwd: DEMO_DIR,
        env: scenarioEnv(library, observer, context, scenario),
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    )
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk
    })
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk
    })
    let exitAt: number | undefined
    const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) => {
      child.once('exit', (code, signal) => {
        exitAt = Date.now()
        resolve({ code, signal })
      })
    })
    const streamsDone = new Promise<void>((resolve) => child.once('close', () => resolve()))
    let signalAt: number | undefined
    if (scenario.signal) {
      const signal = scenario.signal
      void observer
        .waitForRequest('/slow', context.timeoutMs)
        .then(() => delay(100))
        .then(() => {
          if (child.exitCode === null && child.signalCode === null) {
            signalAt = Date.now()
            child.kill(signal)
          }
        })
        .catch(() => {
          // No slow request: the exit checks report what happened instead.
        })
    }
    let timedOut = false
    const timer = delay(Math.max(context.timeoutMs, scenario.minTimeoutMs ?? 0)).then(
      () => 'timeout' as const,
    )
    const first = await Promise.race([exited, timer])
    if (first === 'timeout') {
      timedOut = true
      if (options.onTimeout) await options.onTimeout(child)
      child.kill('SIGKILL')
    }
    const exit = await exited
    await Promise.race([streamsDone, delay(1000)])
    const connections = await observer.settle({ quietMs: 150, timeoutMs: 1500 })
    return {
      exit,
      exitAt: timedOut ? undefined : exitAt,
      signalAt,
      timedOut,
      markers: parseMarkers(stdout),
      stdout,
      stderr,
      connections,
      serverLastResponseAt: observer.lastResponseAt(),
    }
  } finally {
    await observer.close()
  }
}

/**
 * Asks a hung child what keeps it alive: the program is run again under
 * `--import why-is-node-running/include` (v3: logs on SIGUSR1 to stderr), signalled after the
 * timeout, and its report returned. Windows has no SIGUSR1: no diagnosis there.
 *
 * @example
 * ```ts
 * const text = await diagnose(scenario, 'client', context)
 * ```
 */
export async function diagnose(
  scenario: Scenario,
  library: Library,
  context: RunContext,
): Promise<string> {
  if (context.platform === 'win32')
    return 'no diagnosis on win32 (why-is-node-running needs SIGUSR1)'
  let report = ''
  const outcome = await runChild(scenario, library, context, {
    extraNodeArgs: ['--import', 'why-is-node-running/include'],
    onTimeout: async (child) => {
      const collected = new Promise<void>((resolve) => {
        let text = ''
        const onData = (chunk: string): void => {
          text += chunk
          report = text
        }
        child.stderr?.on('data', onData)
        setTimeout(resolve, 1000)
      })
      child.kill('SIGUSR1')
      await collected
    },
  })
  if (!outcome.timedOut) return 'exited in time when run again under why-is-node-running'
  return summarizeDiagnosis(report)
}

/**
 * Trims a why-is-node-running report to what helps: the headline, then the handles created from
 * the program's own code first; drops handles with no stack and the tool's own stdout pipe.
 *
 * @example
 * ```ts
 * summarizeDiagnosis(stderr) // 'There are 3 handle(s) ...\n\n# Timeout\nhang.mjs:5 - setInterval(...)'
 * ```
 */
export function summarizeDiagnosis(report: string): string {
  const start = report.indexOf('There are ')
  if (start < 0) return report.trim().slice(0, 2000) || 'why-is-node-running printed nothing'
  const [headline = '', ...blocks] = report
    .slice(start)
    .trim()
    .split(/\n\s*\n/)
  const useful = blocks.filter(
    (b) => !/\(unknown stack trace\)/.test(b) && !/why-is-node-running[\\/]include\.js/.test(b),
  )
  const own = (b: string): boolean =>
    b.split('\n').some((l) => /\.mjs:\d+/.test(l) && !/node_modules/.test(l))
  const ordered = [...useful.filter(own), ...useful.filter((b) => !own(b))]
  return [headline, ...ordered].join('\n\n').slice(0, 6000)
}

/**
 * Runs a scenario for one library, judges it, diagnoses a hang and asks leakcheck.
 *
 * @example
 * ```ts
 * const result = await runScenario(scenario, 'client', context, leakcheck)
 * ```
 */
export async function runScenario(
  scenario: Scenario,
  library: Library,
  context: RunContext,
  leakcheck: (
    scenario: Scenario,
    library: Library,
    expectedCode: number | null,
  ) => Promise<LeakcheckResult>,
): Promise<RunResult> {
  const started = Date.now()
  const common = {
    scenario: scenario.id,
    title: scenario.title,
    library,
    nodeVersion: context.node.version,
    nodeMajor: context.node.major,
    platform: context.platform,
  }
  const fit = applicability(scenario, library, context.platform)
  if (!fit.applicable) {
    return {
      ...common,
      status: 'n/a',
      reasons: [fit.reason],
      expectedExit: describeExit(scenario.expect.exit),
      seenExit: 'not run',
      msToExit: undefined,
      connections: countEndings([]),
      connectionDetails: [],
      stderr: '',
      diagnosis: undefined,
      leakcheck: { verdict: 'n/a' },
      durationMs: 0,
    }
  }
  const outcome = await runChild(scenario, library, context)
  const verdict = judge(scenario, library, outcome, context.platform)
  let diagnosis: string | undefined
  if (outcome.timedOut && verdict.status !== 'n/a') {
    diagnosis = await diagnose(scenario, library, context)
  }
  const leak =
    verdict.status === 'n/a' || scenario.signal || outcome.timedOut
      ? ({
          verdict: 'n/a',
          detail: scenario.signal ? 'signal scenarios are not rerun' : undefined,
        } as const)
      : await leakcheck(scenario, library, outcome.exit.code)
  return {
    ...common,
    status: verdict.status,
    reasons: verdict.reasons,
    expectedExit: verdict.expectedExit,
    seenExit: verdict.seenExit,
    msToExit: verdict.msToExit,
    connections: verdict.counts,
    connectionDetails: outcome.connections.map((c) => ({
      ending: c.ending,
      msAfterAccept: c.msAfterAccept,
      msAfterLastResponse: c.msAfterLastResponse,
      requests: c.requests,
      responses: c.responses,
      tlsCloseNotify: c.tlsCloseNotify,
    })),
    stderr: outcome.stderr.trim().slice(0, 2000),
    diagnosis,
    leakcheck: leak,
    durationMs: Date.now() - started,
  }
}

/** The environment a scenario program reads (inherited by its workers and forked children). */
export function scenarioEnv(
  library: Library,
  observer: Pick<Observer, 'httpsOrigin'>,
  context: Pick<RunContext, 'caFile'>,
  scenario: Pick<Scenario, 'signal'>,
): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DEMO_LIBRARY: library,
    DEMO_ORIGIN: observer.httpsOrigin,
    DEMO_CA_FILE: context.caFile,
    NODE_EXTRA_CA_CERTS: context.caFile,
  }
  if (scenario.signal) env.DEMO_SIGNAL = scenario.signal
  // Coverage makes @foo/client turn finalizers off (nodejs/node#49344): not what users run.
  delete env.NODE_V8_COVERAGE
  delete env.NODE_OPTIONS
  return env
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref())
}
