import { type PeerName, peer } from '../peers.js'
import type { Scenario } from './scenarios.js'

/** What a platform does with signals and processes: the facts every platform branch reads. */
export interface PlatformRules {
  /** A child can be sent SIGTERM (Windows never delivers it). */
  sigterm: boolean
  /**
   * `process.kill(pid, signal)` runs the child's signal handlers. On Windows it terminates the
   * child (TerminateProcess) without running any.
   */
  handlersRunOnKill: boolean
  /** A killed child may be reported as exit code 1 instead of the signal (Windows). */
  killReportedAsExitCode1: boolean
  /** SIGUSR1 exists, so why-is-node-running can be asked what keeps a child alive. */
  sigusr1: boolean
  /** The signals `gracefulShutdown()` listens for by default there. */
  shutdownSignals: readonly NodeJS.Signals[]
}

const POSIX: PlatformRules = {
  sigterm: true,
  handlersRunOnKill: true,
  killReportedAsExitCode1: false,
  sigusr1: true,
  shutdownSignals: ['SIGINT', 'SIGTERM'],
}

const WINDOWS: PlatformRules = {
  sigterm: false,
  handlersRunOnKill: false,
  killReportedAsExitCode1: true,
  sigusr1: false,
  shutdownSignals: ['SIGINT', 'SIGBREAK', 'SIGHUP'],
}

/**
 * The rules of a platform. The one place that tells Windows from the rest: tests, the demo and
 * the harness read these fields, so Linux tests cover every platform's branch.
 *
 * @example
 * ```ts
 * it.runIf(platformRules(process.platform).handlersRunOnKill)('SIGINT runs the handler', ...)
 * ```
 */
export function platformRules(platform: NodeJS.Platform): PlatformRules {
  return platform === 'win32' ? WINDOWS : POSIX
}

/** Whether a scenario x library can hold on a platform, and why not. */
export type Applicability = { applicable: true } | { applicable: false; reason: string }

/**
 * Decides whether a scenario's expectation can hold for a library on a platform.
 *
 * - Features only @foo/client has (gracefulShutdown, retry) do not apply to the other libraries.
 * - SIGTERM is never delivered on Windows.
 * - A signal sent to a child on Windows terminates it without running its handlers, so neither
 *   the app's handler nor gracefulShutdown can run there.
 *
 * @example
 * ```ts
 * applicability(scenario, 'client', 'win32') // { applicable: false, reason: '...' }
 * ```
 */
export function applicability(
  scenario: Scenario,
  library: PeerName,
  platform: NodeJS.Platform,
): Applicability {
  if (scenario.clientOnly && !peer(library).fooClient) {
    return { applicable: false, reason: `${library} has no ${scenario.clientOnly}` }
  }
  const rules = platformRules(platform)
  if (scenario.signal === 'SIGTERM' && !rules.sigterm) {
    return {
      applicable: false,
      reason: `not applicable on ${platform}: SIGTERM is never delivered`,
    }
  }
  const needsHandler = scenario.appHandler === true || scenario.clientOnly === 'gracefulShutdown'
  if (scenario.signal && needsHandler && !rules.handlersRunOnKill) {
    return {
      applicable: false,
      reason: `not applicable on ${platform}: process.kill(pid, '${scenario.signal}') terminates without running handlers`,
    }
  }
  return { applicable: true }
}

/**
 * Whether an observed exit is a death by `signal` on this platform (on Windows a killed child
 * may be reported as exit code 1).
 *
 * @example
 * ```ts
 * isSignalDeath({ code: null, signal: 'SIGINT' }, 'SIGINT', 'linux') // true
 * ```
 */
export function isSignalDeath(
  seen: { code: number | null; signal: string | null },
  signal: NodeJS.Signals,
  platform: NodeJS.Platform,
): boolean {
  if (seen.signal === signal) return true
  return platformRules(platform).killReportedAsExitCode1 && seen.signal === null && seen.code === 1
}
