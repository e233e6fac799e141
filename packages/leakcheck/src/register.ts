// Preload for `node --import @foo/leakcheck/register app.js`; the `leakcheck` CLI puts it in
// NODE_OPTIONS. Tracks handles from the start and, at exit, reports every one still open: to the
// CLI through its result file (the CLI prints after the program's own output), or on stderr when
// run without the CLI.
import { writeSync } from 'node:fs'
import path from 'node:path'
import { isMainThread } from 'node:worker_threads'
import { check } from './check.js'
import { LEAKS_EXIT_CODE, TIMEOUT_EXIT_CODE } from './cli/exit-codes.js'
import { endFiringTimer } from './cli/firing-timer.js'
import { formatHangEntries, recordHangEntries, userHangEntries } from './cli/hang-report.js'
import { isLauncher, openedByLauncher } from './cli/launchers.js'
import {
  CLAIM_ENV,
  CLAIMED,
  DEADLINE_ENV,
  type ProgramResult,
  RESULT_ENV,
  writeResult,
} from './cli/protocol.js'
import { judge, type LeakGroup } from './policy.js'
import { formatGroups, formatLeaks } from './report.js'
import { realTimers, startTracker } from './tracker/index.js'
import type { OpenHandle } from './tracker/types.js'

/** If the CLI has not stopped the program this long after its diagnosis, it exits by itself. */
const STOP_FALLBACK_MS = 15_000

const resultFile = process.env[RESULT_ENV]
const underCli = resultFile !== undefined && resultFile !== ''
// Under the CLI one Node process reports: the first in the command's tree that is not a launcher
// (npm, npx, pnpm, tsx's CLI), however deep. It claims the run in the environment its children
// inherit, so a program's own forked children stay quiet. Without the CLI every process that
// loads the preload reports for itself. Never a worker thread.
const active =
  isMainThread && !(underCli && (process.env[CLAIM_ENV] === CLAIMED || isLauncher(process.argv[1])))
if (active && underCli) process.env[CLAIM_ENV] = CLAIMED

function writeError(text: string): void {
  try {
    writeSync(2, `${text}\n`)
  } catch {
    // stderr closed: nothing to report to.
  }
}

function programName(root: string): string {
  const main = process.argv[1]
  if (main === undefined) return 'the program'
  const relative = path.relative(root, main)
  return relative.startsWith('..') || path.isAbsolute(relative) ? main : relative
}

/** The program's handles: not those a launcher's loader opened in its process (tsx's). */
function programHandles(open: OpenHandle[]): OpenHandle[] {
  return open.filter((handle) => !openedByLauncher(handle.stack))
}

async function start(): Promise<void> {
  const deadline = Number(process.env[DEADLINE_ENV] ?? '')
  const diagnose = underCli && Number.isFinite(deadline) && deadline > 0
  // why-is-node-running uses async_hooks (slow): only on the --timeout diagnose path.
  const why = diagnose ? (await import('why-is-node-running')).default : undefined
  const tracker = startTracker()
  const root = process.cwd()
  const program = programName(root)
  const result = (
    state: ProgramResult['state'],
    exitCode: number | null,
    leaks: OpenHandle[],
    report: string,
  ) => ({ pid: process.pid, program, state, exitCode, leaks, report, diagnosis: '' })
  // The policy's program checkpoint decides what the program left open, grouped by root cause.
  const leftOpen = (): { groups: LeakGroup[]; leaks: OpenHandle[]; report: string } => {
    const groups = judge(programHandles(tracker.open()), { at: 'program' }).leaks
    const leaks = groups.flatMap((group) => [...group.causes, ...group.members])
    const report = groups.length === 0 ? '' : formatGroups(groups, { root, context: 'program' })
    return { groups, leaks, report }
  }
  let reported = false
  writeResult(resultFile, result('running', null, [], ''))

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
    // process.exit() inside a timer's callback: that timer is ending the program, not leaking.
    endFiringTimer()
    // (@foo/client's own 'exit' listener destroys every socket a live client owns, whichever
    // listener runs first: the policy leaves those out.)
    const { leaks, report } = leftOpen()
    if (underCli) {
      writeResult(resultFile, result('exited', code, leaks, report))
      return
    }
    if (leaks.length === 0) return
    writeError(
      `\nleakcheck: ${program} exited (code ${code}) with handles still open.\n\n${report}\n`,
    )
    if (code === 0) process.exitCode = LEAKS_EXIT_CODE
  })

  if (diagnose) {
    const timer = realTimers.setTimeout(
      () => {
        reported = true
        const alive = programHandles(tracker.open()).filter((leak) => leak.state === 'active')
        const extra =
          why === undefined ? [] : userHangEntries(recordHangEntries(why), { cwd: root })
        writeResult(resultFile, {
          ...result(
            'timed-out',
            null,
            alive,
            alive.length === 0 ? '' : formatLeaks(alive, { root, context: 'program' }),
          ),
          diagnosis: formatHangEntries(extra),
        })
        // The CLI stops the whole tree now (taskkill needs it intact); only if it cannot, exit.
        realTimers.setTimeout(() => process.exit(TIMEOUT_EXIT_CODE), STOP_FALLBACK_MS).unref()
      },
      Math.max(0, deadline - Date.now()),
    )
    timer.unref()
  }
}

if (active) await start()
