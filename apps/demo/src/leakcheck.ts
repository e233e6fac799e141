import { spawn, spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { startObserver } from '@foo/testkit'
import { DEMO_DIR, type RunContext, SCENARIO_DIR, scenarioEnv } from './run.js'
import type { Library, Scenario } from './scenarios.js'

/** The `leakcheck` CLI's verdict on a scenario program. */
export interface LeakcheckResult {
  verdict: 'clean' | 'leak' | 'n/a'
  detail?: string | undefined
}

const BIN = fileURLToPath(new URL('../../../packages/leakcheck/bin/leakcheck.js', import.meta.url))

/**
 * Whether the leakcheck CLI is usable yet: its bin and build exist and it runs a trivial program
 * cleanly (until it is built it prints "not implemented yet").
 *
 * @example
 * ```ts
 * if (leakcheckAvailable(process.execPath)) ...
 * ```
 */
export function leakcheckAvailable(nodePath: string): boolean {
  if (!existsSync(BIN) || !existsSync(join(dirname(BIN), '..', 'dist', 'cli.js'))) return false
  const probe = spawnSync(nodePath, [BIN, '--', nodePath, '-e', ''], {
    encoding: 'utf8',
    timeout: 15_000,
  })
  return probe.status === 0 && !/not implemented/i.test(`${probe.stdout}${probe.stderr}`)
}

/**
 * Runs a scenario again under `node packages/leakcheck/bin/leakcheck.js -- node scenario.mjs`
 * against a fresh observer. Clean when leakcheck exits with the program's own exit code and
 * reports no leak; leakcheck exits non-zero on leaks.
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
  const observer = await startObserver({ keepAliveTimeout: scenario.keepAliveTimeout ?? 5000 })
  try {
    const child = spawn(
      context.node.path,
      [BIN, '--', context.node.path, `${SCENARIO_DIR}${scenario.file}`],
      {
        cwd: DEMO_DIR,
        env: scenarioEnv(library, observer, context, scenario),
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    )
    let output = ''
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      output += chunk
    })
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      output += chunk
    })
    const timer = setTimeout(() => child.kill('SIGKILL'), context.timeoutMs + 5000)
    const [code, signal] = await new Promise<[number | null, string | null]>((resolve) =>
      child.once('close', (c, s) => resolve([c, s])),
    )
    clearTimeout(timer)
    const report = output
      .split(/\r?\n/)
      .filter((line) => line.trim() !== '' && !line.startsWith('@@demo '))
      .filter((line) => !(scenario.expect.stderr?.test(line) ?? false))
    if (signal) return { verdict: 'leak', detail: `leakcheck killed by ${signal} (hung?)` }
    if (code === expectedCode && !report.some((line) => /leak/i.test(line))) {
      return { verdict: 'clean' }
    }
    return {
      verdict: 'leak',
      detail: `exit ${code}: ${report.slice(0, 6).join(' | ').slice(0, 400)}`,
    }
  } finally {
    await observer.close()
  }
}
