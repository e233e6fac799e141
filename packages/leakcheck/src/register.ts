// Preload for `node --import @foo/leakcheck/register app.js` (the `leakcheck` CLI adds it):
// tracks handles from the start and, at exit, reports every one still open.
import { writeFileSync, writeSync } from 'node:fs'
import { isMainThread } from 'node:worker_threads'
import { check } from './check.js'
import { LEAKS_EXIT_CODE, type RegisterResult, TIMEOUT_EXIT_CODE } from './cli/exit-codes.js'
import { judge, type LeakGroup } from './policy.js'
import { formatGroups, formatLeaks } from './report.js'
import { realTimers, startTracker } from './tracker/index.js'

const cliPid = process.env.LEAKCHECK_CLI_PID
// Under the CLI only the first Node process to load this reports (forked children inherit
// --import and the environment); never workers. It claims the run in the environment its
// children inherit. Not a parent-pid check: a version manager's shim (volta, scoop) may run
// between the CLI and node, and then no process would report.
const CLAIMED = 'claimed'
const active = isMainThread && cliPid !== CLAIMED
if (active && cliPid !== undefined) process.env.LEAKCHECK_CLI_PID = CLAIMED

function writeError(text: string): void {
  try {
    writeSync(2, `${text}\n`)
  } catch {
    // stderr closed: nothing to report to.
  }
}

function writeResult(result: RegisterResult): void {
  const file = process.env.LEAKCHECK_RESULT
  if (file === undefined || file === '') return
  try {
    writeFileSync(file, JSON.stringify(result))
  } catch {
    // The CLI then falls back to the program's own exit code.
  }
}

async function start(): Promise<void> {
  const timeoutMs = Number(process.env.LEAKCHECK_TIMEOUT ?? '')
  const diagnose = Number.isFinite(timeoutMs) && timeoutMs > 0
  // why-is-node-running uses async_hooks (slow): only on the --timeout diagnose path.
  const why = diagnose ? (await import('why-is-node-running')).default : undefined
  const tracker = startTracker()
  const root = process.cwd()
  const program = process.argv[1] ?? 'the program'
  let reported = false

  const report = (text: string, headline: string) => {
    writeError(`\nleakcheck: ${headline}\n\n${text}\n`)
  }

  let settled = false
  process.on('beforeExit', () => {
    // beforeExit fires again after work scheduled here: settle (GC, finalizers) only once.
    if (settled) return
    settled = true
    check(tracker, { at: 'program' }, { settleMs: 500 }).catch(() => {})
  })

  process.on('exit', (code) => {
    if (reported) return
    reported = true
    // The policy's program checkpoint: @foo/client's own 'exit' listener destroys every socket a
    // live client owns (whichever listener runs first), so those are not left open by the program.
    const leaks: LeakGroup[] = judge(tracker.open(), { at: 'program' }).leaks
    writeResult({ leaks: leaks.length, timedOut: false })
    if (leaks.length === 0) return
    report(
      formatGroups(leaks, { root, context: 'program' }),
      `${program} exited (code ${code}) with handles still open.`,
    )
    if (cliPid === undefined && code === 0) process.exitCode = LEAKS_EXIT_CODE
  })

  if (diagnose) {
    const timer = realTimers.setTimeout(() => {
      reported = true
      const alive = tracker.open().filter((leak) => leak.state === 'active')
      writeResult({ leaks: alive.length, timedOut: true })
      report(
        formatLeaks(alive, { root, context: 'program' }),
        `${program} was still running after ${timeoutMs} ms; these keep it alive:`,
      )
      why?.({ error: (...parts: unknown[]) => writeError(parts.join(' ')) })
      process.exit(TIMEOUT_EXIT_CODE)
    }, timeoutMs)
    timer.unref()
  }
}

if (active) await start()
