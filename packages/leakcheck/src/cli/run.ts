import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { fileURLToPath, pathToFileURL } from 'node:url'
import type { CliArguments } from './arguments.js'
import { withPreload } from './node-options.js'
import { stopProcessTree, treeStopPlan } from './process-tree.js'
import { CLAIM_ENV, DEADLINE_ENV, type ProgramResult, RESULT_ENV, readResult } from './protocol.js'
import type { RunOutcome } from './verdict.js'

/** How long after `--timeout` the CLI waits for the program's diagnosis before stopping it anyway. */
const REPORT_GRACE_MS = 5000
const POLL_MS = 25

/**
 * Runs the command with the register preload in `NODE_OPTIONS` and resolves with what happened;
 * the caller turns that into a verdict. With `--timeout`, stops the whole process tree at the
 * deadline, once the program has written what keeps it alive (or after 5 s if it cannot).
 *
 * @example
 * ```ts
 * const outcome = await run({ help: false, json: false, command: ['npm', 'start'] })
 * ```
 */
export async function run(args: CliArguments): Promise<RunOutcome> {
  const [executable, ...rest] = args.command as [string, ...string[]]
  const dir = mkdtempSync(path.join(tmpdir(), 'leakcheck-'))
  const resultFile = path.join(dir, 'result.json')
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_OPTIONS: withPreload(process.env.NODE_OPTIONS, pathToFileURL(registerPath()).href),
    [RESULT_ENV]: resultFile,
  }
  delete env[CLAIM_ENV]
  delete env[DEADLINE_ENV]
  const timeoutMs = args.timeoutMs
  if (timeoutMs !== undefined) env[DEADLINE_ENV] = String(Date.now() + timeoutMs)
  // With a deadline the command gets its own process group (POSIX), so the whole tree can be
  // stopped even after some of it was orphaned; without one it stays in the terminal's group.
  const ownGroup = timeoutMs !== undefined && treeStopPlan(process.platform, 0).kind === 'group'
  const outcome: RunOutcome = {
    command: args.command,
    exitCode: null,
    signal: null,
    timedOut: false,
    timeoutMs,
  }
  const child = spawn(executable, rest, { stdio: 'inherit', env, detached: ownGroup })
  const forwarders = forwardSignals(child.pid, ownGroup, (signal) => child.kill(signal))
  let exited = false
  let stopping: Promise<void> | undefined
  const deadlineTimer =
    timeoutMs === undefined
      ? undefined
      : setTimeout(() => {
          outcome.timedOut = true
          stopping = stopAtDeadline()
        }, timeoutMs)
  const stopAtDeadline = async () => {
    // The program prints nothing itself: it writes its diagnosis, then waits to be stopped.
    const deadline = performance.now() + REPORT_GRACE_MS
    while (!exited && readResult(resultFile)?.state !== 'timed-out') {
      if (performance.now() > deadline) break
      await sleep(POLL_MS)
    }
    if (child.pid !== undefined) await stopProcessTree(child.pid)
  }
  try {
    const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>(
      (resolve, reject) => {
        child.once('error', reject)
        child.once('exit', (exitCode, exitSignal) => resolve([exitCode, exitSignal]))
      },
    )
    exited = true
    outcome.exitCode = code
    outcome.signal = signal
  } catch (error) {
    outcome.startError = (error as Error).message
  } finally {
    if (deadlineTimer !== undefined) clearTimeout(deadlineTimer)
    if (stopping !== undefined) await stopping
    for (const [signal, listener] of forwarders) process.off(signal, listener)
  }
  const result: ProgramResult | undefined = readResult(resultFile)
  rmSync(dir, { recursive: true, force: true })
  if (result !== undefined) outcome.result = result
  return outcome
}

/**
 * SIGINT/SIGTERM sent to the CLI reach the command. In the terminal's process group a Ctrl+C
 * already reaches the child: forwarding SIGINT too would deliver it twice, and a program using
 * gracefulShutdown reads the second as "stop now". In its own group (with `--timeout`) nothing
 * reaches it but what the CLI sends: SIGINT goes to the whole group, as a terminal sends it.
 */
function forwardSignals(
  pid: number | undefined,
  ownGroup: boolean,
  kill: (signal: NodeJS.Signals) => void,
): Array<readonly [NodeJS.Signals, () => void]> {
  const interactive = process.stdin.isTTY === true
  const toGroup = (signal: NodeJS.Signals) => () => {
    try {
      if (pid !== undefined) process.kill(-pid, signal)
    } catch {
      // Already gone.
    }
  }
  const forward = (signal: NodeJS.Signals) => {
    if (signal === 'SIGINT' && ownGroup) return toGroup(signal)
    if (signal === 'SIGINT' && interactive) return () => {}
    return () => kill(signal)
  }
  return (['SIGINT', 'SIGTERM'] as const).map((signal) => {
    const listener = forward(signal)
    process.on(signal, listener)
    return [signal, listener] as const
  })
}

/** The built preload: `dist/register.js` next to the running CLI (or the package's dist). */
export function registerPath(): string {
  const here = path.dirname(fileURLToPath(import.meta.url))
  return path.basename(here) === 'dist'
    ? path.join(here, 'register.js')
    : path.resolve(here, '..', '..', 'dist', 'register.js')
}
