import type { ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { type NodeRun, startNode } from '@foo/testkit'

/** Options of {@link runFixture}. */
export interface FixtureOptions {
  /** Added to this process's environment. */
  env?: Record<string, string>
  /** Killed with SIGKILL after this long (a hang; the run then shows it). Default 30 s. */
  timeoutMs?: number
  /** Called once the program printed a line `ready`: send signals from here. */
  onReady?: (child: ChildProcess) => void
}

/**
 * Runs `test/fixtures/<name>` as a real child process with `env` added to this one's (coverage
 * and NODE_OPTIONS left out). For the programs that are not exit-path scenarios (those run
 * through testkit's `runChild`).
 *
 * @example
 * ```ts
 * const run = await runFixture('fast-exit.mjs', { env: { ORIGIN: server.origin } })
 * expect(run.code).toBe(0)
 * ```
 */
export function runFixture(name: string, options: FixtureOptions = {}): Promise<NodeRun> {
  const env: NodeJS.ProcessEnv = { ...process.env, ...options.env }
  delete env.NODE_V8_COVERAGE
  delete env.NODE_OPTIONS
  const file = fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url))
  const { child, done } = startNode([file], { env, timeoutMs: options.timeoutMs ?? 30_000 })
  const onReady = options.onReady
  if (onReady !== undefined) {
    let seen = ''
    const listen = (chunk: Buffer | string) => {
      seen += String(chunk)
      if (!/^ready$/m.test(seen)) return
      child.stdout?.off('data', listen)
      onReady(child)
    }
    child.stdout?.on('data', listen)
  }
  return done
}
