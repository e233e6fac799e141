import { type ChildProcess, spawn } from 'node:child_process'

/** How a child Node process ended and what it printed. */
export interface NodeRun {
  code: number | null
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
  /** From spawn to exit. */
  ms: number
  /** Epoch ms (sub-ms precision) of the exit; `undefined` when it was killed at its timeout. */
  exitAt: number | undefined
  /** Killed with SIGKILL after `timeoutMs`. */
  timedOut: boolean
}

/** Options of {@link startNode}. */
export interface NodeOptions {
  /** The Node binary (default: this one). */
  node?: string | undefined
  cwd?: string | undefined
  /** The child's whole environment (default: this process's). */
  env?: NodeJS.ProcessEnv | undefined
  /** Killed with SIGKILL after this many ms (default: never). */
  timeoutMs?: number | undefined
  /** Called when `timeoutMs` passed, before the kill: ask the child what keeps it alive. */
  onTimeout?: ((child: ChildProcess) => Promise<void>) | undefined
  /** `pipe` to write to the child's stdin (default `ignore`). */
  stdin?: 'ignore' | 'pipe'
  /** `inherit` to show the child's stderr as it comes (then `stderr` is empty); default `pipe`. */
  stderr?: 'pipe' | 'inherit'
}

/** A started child: the process itself, and what it will have done. */
export interface NodeProcess {
  child: ChildProcess
  done: Promise<NodeRun>
}

/** Epoch ms with sub-millisecond precision, comparable across processes of one machine. */
export function now(): number {
  return performance.timeOrigin + performance.now()
}

/**
 * Starts `node <args>` as a real child process and collects what it printed: the one
 * spawn-and-collect primitive of the repository (exit-path runs, the leakcheck CLI's tests, the
 * bench's parts). `done` resolves once the output is complete, or 1 s after the exit when a
 * grandchild keeps the pipes open.
 *
 * @example
 * ```ts
 * const { child, done } = startNode(['program.mjs'], { timeoutMs: 10_000 })
 * const run = await done // { code: 0, signal: null, stdout: '...', ... }
 * ```
 */
export function startNode(args: readonly string[], options: NodeOptions = {}): NodeProcess {
  const started = now()
  const child = spawn(options.node ?? process.execPath, args, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    stdio: [options.stdin ?? 'ignore', 'pipe', options.stderr ?? 'pipe'],
  })
  let stdout = ''
  let stderr = ''
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk
  })
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk
  })
  const done = new Promise<NodeRun>((resolve, reject) => {
    let timedOut = false
    let exitAt: number | undefined
    const timer =
      options.timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            timedOut = true
            void (options.onTimeout?.(child) ?? Promise.resolve()).finally(() =>
              child.kill('SIGKILL'),
            )
          }, options.timeoutMs)
    child.once('error', (error) => {
      clearTimeout(timer)
      reject(error)
    })
    child.once('exit', (code, signal) => {
      exitAt = now()
      clearTimeout(timer)
      const finish = (): void =>
        resolve({
          code,
          signal,
          stdout,
          stderr,
          ms: (exitAt as number) - started,
          exitAt: timedOut ? undefined : exitAt,
          timedOut,
        })
      if (child.stdout?.readableEnded !== false && child.stderr?.readableEnded !== false) {
        finish()
        return
      }
      const late = setTimeout(finish, 1000)
      child.once('close', () => {
        clearTimeout(late)
        finish()
      })
    })
  })
  return { child, done }
}

/**
 * {@link startNode} for when the process itself is not needed.
 *
 * @example
 * ```ts
 * const { code, stdout } = await runNode(['-e', 'console.log(1)'])
 * ```
 */
export function runNode(args: readonly string[], options: NodeOptions = {}): Promise<NodeRun> {
  return startNode(args, options).done
}
