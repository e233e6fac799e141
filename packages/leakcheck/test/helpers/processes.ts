import { setTimeout as sleep } from 'node:timers/promises'

/** `true` while a process with this pid exists (a zombie counts until it is reaped). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/**
 * The pids still alive after polling up to `ms` for all of them to be gone (orphans are reaped
 * by pid 1, which can take a second or two).
 */
export async function stillAlive(pids: number[], ms = 10_000): Promise<number[]> {
  const deadline = performance.now() + ms
  let left = pids.filter(alive)
  while (left.length > 0 && performance.now() < deadline) {
    await sleep(50)
    left = left.filter(alive)
  }
  return left
}

/** SIGKILLs whatever is left of `pids` (cleanup after a failed assertion). */
export function killAll(pids: number[]): void {
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL')
    } catch {
      // Gone.
    }
  }
}
