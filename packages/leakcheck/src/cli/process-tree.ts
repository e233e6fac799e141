import { spawn } from 'node:child_process'
import { setTimeout as sleep } from 'node:timers/promises'

/** How this platform ends a whole process tree (see {@link treeStopPlan}). */
export type TreeStopPlan =
  /** POSIX: the command runs as the leader of its own process group; signal the group. */
  | { kind: 'group'; pgid: number }
  /** Windows: no process groups for this; `taskkill /T /F` walks the tree by parent pid. */
  | { kind: 'taskkill'; command: 'taskkill'; args: string[] }

/**
 * The one place that decides per platform how a process tree is stopped. On POSIX the command
 * must be spawned `detached` (a new process group), so children stay findable after their parent
 * exits; `taskkill` needs the tree intact, so the CLI stops it before the program exits.
 *
 * @example
 * ```ts
 * treeStopPlan('linux', 4242) // { kind: 'group', pgid: 4242 }
 * treeStopPlan('win32', 4242) // { kind: 'taskkill', command: 'taskkill', args: ['/T', '/F', '/PID', '4242'] }
 * ```
 */
export function treeStopPlan(platform: NodeJS.Platform, pid: number): TreeStopPlan {
  return platform === 'win32'
    ? { kind: 'taskkill', command: 'taskkill', args: ['/T', '/F', '/PID', String(pid)] }
    : { kind: 'group', pgid: pid }
}

/** How long the tree has to end after SIGTERM before it is killed. */
const TERM_GRACE_MS = 2000
/** How long to wait for killed processes to be reaped. */
const REAP_MS = 5000
const POLL_MS = 20

function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal)
  } catch {
    // Already gone.
  }
}

async function gone(pgid: number, ms: number): Promise<boolean> {
  const deadline = performance.now() + ms
  while (groupAlive(pgid)) {
    if (performance.now() > deadline) return false
    await sleep(POLL_MS)
  }
  return true
}

/**
 * Ends the command's whole process tree: SIGTERM to its process group, SIGKILL to what is left
 * after 2 s, then waits (up to 5 s) until no process of the group is left; `taskkill /T /F` on
 * Windows. Never throws.
 *
 * @example
 * ```ts
 * const child = spawn('npm', ['start'], { detached: treeStopPlan(process.platform, 0).kind === 'group' })
 * await stopProcessTree(child.pid)
 * ```
 */
export async function stopProcessTree(
  pid: number,
  platform: NodeJS.Platform = process.platform,
): Promise<void> {
  const plan = treeStopPlan(platform, pid)
  if (plan.kind === 'taskkill') {
    await new Promise<void>((resolve) => {
      const taskkill = spawn(plan.command, plan.args, { stdio: 'ignore', windowsHide: true })
      taskkill.once('error', () => resolve())
      taskkill.once('exit', () => resolve())
    })
    return
  }
  signalGroup(plan.pgid, 'SIGTERM')
  if (await gone(plan.pgid, TERM_GRACE_MS)) return
  signalGroup(plan.pgid, 'SIGKILL')
  await gone(plan.pgid, REAP_MS)
}
