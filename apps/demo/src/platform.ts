import type { Library, Scenario } from './scenarios.js'

/** Whether a scenario x library can hold on a platform, and why not. */
export type Applicability = { applicable: true } | { applicable: false; reason: string }

/**
 * Decides whether a scenario's expectation can hold for a library on a platform. The only
 * platform-specific logic of the demo; the platform is passed in so Linux tests cover Windows.
 *
 * - SIGTERM is never delivered on Windows.
 * - `process.kill(pid, 'SIGINT')` on Windows terminates the child (TerminateProcess) without
 *   running its handlers, so neither the app's handler nor gracefulShutdown can run there.
 * - gracefulShutdown exists only in @foo/client.
 *
 * @example
 * ```ts
 * applicability(scenario, 'client', 'win32') // { applicable: false, reason: '...' }
 * ```
 */
export function applicability(
  scenario: Scenario,
  library: Library,
  platform: NodeJS.Platform,
): Applicability {
  if (scenario.clientOnly && library !== 'client') {
    return { applicable: false, reason: `${library} has no gracefulShutdown` }
  }
  if (platform === 'win32' && scenario.signal === 'SIGTERM') {
    return { applicable: false, reason: 'not applicable on win32: SIGTERM is never delivered' }
  }
  if (platform === 'win32' && scenario.signal && (scenario.appHandler || scenario.clientOnly)) {
    return {
      applicable: false,
      reason: `not applicable on win32: process.kill(pid, '${scenario.signal}') terminates without running handlers`,
    }
  }
  return { applicable: true }
}

/**
 * Whether an observed exit matches a signal death on this platform. On Windows a killed child
 * is terminated, which Node reports either as the signal or as exit code 1.
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
  return platform === 'win32' && seen.signal === null && seen.code === 1
}
