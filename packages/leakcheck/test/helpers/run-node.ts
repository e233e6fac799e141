import { spawn } from 'node:child_process'

/** What a child Node process printed and how it ended. */
export interface NodeRun {
  code: number | null
  stdout: string
  stderr: string
  ms: number
}

/** Options of {@link runNode}. */
export interface RunNodeOptions {
  cwd: string
  /** The child's whole environment (default: this process's). */
  env?: NodeJS.ProcessEnv
  /** The Node binary (default: this one). */
  node?: string
  /** Killed with SIGKILL after this many ms (default: never). */
  timeoutMs?: number
}

/**
 * Runs `node <args>` as a real child process and collects what it printed: the one
 * spawn-and-collect helper of this package's tests.
 */
export function runNode(args: string[], options: RunNodeOptions): Promise<NodeRun> {
  const started = performance.now()
  return new Promise((resolve, reject) => {
    const child = spawn(options.node ?? process.execPath, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    const timeout =
      options.timeoutMs === undefined
        ? undefined
        : setTimeout(() => child.kill('SIGKILL'), options.timeoutMs)
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk
    })
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk
    })
    child.once('error', (error) => {
      clearTimeout(timeout)
      reject(error)
    })
    child.once('close', (code) => {
      clearTimeout(timeout)
      resolve({ code, stdout, stderr, ms: performance.now() - started })
    })
  })
}
