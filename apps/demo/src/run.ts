import { createRequire } from 'node:module'
import { pathToFileURL } from 'node:url'
import {
  applicability,
  type ConnectionRecord,
  countEndings,
  describeExit,
  judge,
  type NodeBinary,
  platformRules,
  runChild,
  type Scenario,
  type Verdict,
  waitFor,
} from '@foo/testkit'
import type { Library } from './args.js'
import type { LeakcheckResult } from './leakcheck.js'

const require = createRequire(import.meta.url)

/** What a run needs besides the scenario itself. */
export interface RunContext {
  node: NodeBinary
  /** ms before a child that has not exited is diagnosed and killed. */
  timeoutMs: number
  platform: NodeJS.Platform
  /** `@foo/client`'s entry (testkit's `clientEntry()`), for the `client` library. */
  clientEntry: string
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

/**
 * Asks a hung child what keeps it alive: the program is run again under
 * `--import why-is-node-running/include` (v3: logs on SIGUSR1 to stderr), signalled at the
 * timeout, and its report returned. Where there is no SIGUSR1 (Windows): no diagnosis.
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
  if (!platformRules(context.platform).sigusr1) {
    return `no diagnosis on ${context.platform} (why-is-node-running needs SIGUSR1)`
  }
  const outcome = await runChild(scenario, library, context.node, {
    clientEntry: context.clientEntry,
    timeoutMs: context.timeoutMs,
    // By path: the program runs from testkit's folder, where this package is not installed.
    launcher: ['--import', pathToFileURL(require.resolve('why-is-node-running/include')).href],
    onTimeout: async (child) => {
      let report = ''
      let changedAt = Date.now()
      child.stderr?.on('data', (chunk: string) => {
        report += chunk
        changedAt = Date.now()
      })
      child.kill('SIGUSR1')
      // Until the report is out and nothing more came for 200 ms (at most 3 s).
      await waitFor(
        "why-is-node-running's report",
        () => /There are \d+ handle/.test(report) && Date.now() - changedAt > 200,
        3000,
      ).catch(() => {})
    },
  })
  if (!outcome.timedOut) return 'exited in time when run again under why-is-node-running'
  return summarizeDiagnosis(outcome.stderr)
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
  const outcome = await runChild(scenario, library, context.node, {
    clientEntry: context.clientEntry,
    timeoutMs: context.timeoutMs,
  })
  const verdict = judge(scenario, library, outcome, context.platform)
  let diagnosis: string | undefined
  if (outcome.timedOut) diagnosis = await diagnose(scenario, library, context)
  const interrupted = scenario.signal !== undefined || scenario.goWhenInFlight === true
  const leak =
    interrupted || outcome.timedOut
      ? ({
          verdict: 'n/a',
          detail: interrupted ? 'programs the runner interrupts are not rerun' : undefined,
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
