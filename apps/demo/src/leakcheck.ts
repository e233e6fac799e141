import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { MARKER_TAG, runChild, type Scenario } from '@foo/testkit'
import type { Library } from './args.js'
import type { RunContext } from './run.js'

/** The `leakcheck` CLI's verdict on a scenario program. */
export interface LeakcheckResult {
  verdict: 'clean' | 'leak' | 'error' | 'n/a'
  detail?: string | undefined
}

/** leakcheck's exit codes (packages/leakcheck/src/cli/exit-codes.ts): leaks, and still running. */
const LEAKS_EXIT_CODE = 7
const TIMEOUT_EXIT_CODE = 124

const BIN = fileURLToPath(new URL('../../../packages/leakcheck/bin/leakcheck.js', import.meta.url))

/**
 * Why the leakcheck CLI cannot be used yet, or `undefined` when it can: its bin and build exist
 * and it runs an empty program cleanly.
 *
 * @example
 * ```ts
 * const missing = leakcheckMissing(process.execPath) // undefined, or e.g. 'not built'
 * ```
 */
export function leakcheckMissing(nodePath: string): string | undefined {
  if (!existsSync(BIN)) return `no ${BIN}`
  if (!existsSync(join(dirname(BIN), '..', 'dist', 'cli.js'))) {
    return 'not built (pnpm --filter @foo/leakcheck build)'
  }
  const probe = spawnSync(nodePath, [BIN, '--', nodePath, '-e', ''], {
    encoding: 'utf8',
    timeout: 30_000,
  })
  const output = `${probe.stdout ?? ''}${probe.stderr ?? ''}`.trim()
  if (probe.status !== 0) {
    return `probe exited ${probe.status ?? probe.signal}: ${output.split('\n')[0] ?? ''}`.slice(
      0,
      200,
    )
  }
  return undefined
}

/**
 * Runs a scenario again as `node packages/leakcheck/bin/leakcheck.js -- node program.mjs`,
 * through the same harness. leakcheck exits 7 on leaks, 124 when the program outlived its
 * timeout, else with the program's own code: clean when that is the code seen without it.
 *
 * @example
 * ```ts
 * await runLeakcheck(scenario, 'client', context, 0) // { verdict: 'clean' }
 * ```
 */
export async function runLeakcheck(
  scenario: Scenario,
  library: Library,
  context: RunContext,
  expectedCode: number | null,
): Promise<LeakcheckResult> {
  const outcome = await runChild(scenario, library, context.node, {
    clientEntry: context.clientEntry,
    timeoutMs: context.timeoutMs + 5000,
    launcher: [BIN, '--', context.node.path],
  })
  const report = `${outcome.stdout}\n${outcome.stderr}`
    .split(/\r?\n/)
    .filter((line) => line.trim() !== '' && !line.startsWith(MARKER_TAG))
    .filter((line) => !(scenario.expect.stderr?.test(line) ?? false))
  const detail = report.slice(0, 4).join(' | ').slice(0, 400)
  const { code, signal } = outcome.exit
  if (outcome.timedOut) return { verdict: 'error', detail: 'leakcheck itself did not end' }
  if (signal) return { verdict: 'error', detail: `leakcheck killed by ${signal}` }
  if (code === LEAKS_EXIT_CODE) return { verdict: 'leak', detail }
  if (code === TIMEOUT_EXIT_CODE) {
    return { verdict: 'leak', detail: `still running at its timeout: ${detail}` }
  }
  if (code === expectedCode) return { verdict: 'clean' }
  return {
    verdict: 'error',
    detail: `exit ${code}, the program alone exited ${expectedCode}: ${detail}`,
  }
}
