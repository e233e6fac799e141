import { type ChildProcess, fork, spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import type { ConnectionRecord, Observer } from '@foo/testkit'

/** How a fixture process ended, and what the server saw. */
export interface Run {
  code: number | null
  signal: NodeJS.Signals | null
  /** From spawn to the child's exit. */
  ms: number
  stdout: string
  stderr: string
  /** The observer's connection records once they settled after the exit. */
  connections: ConnectionRecord[]
}

export interface RunOptions {
  env?: Record<string, string>
  /** Fork with an IPC channel instead of spawning. */
  ipc?: boolean
  /** Called once the child printed `ready`; send signals from here. */
  onReady?: (child: ChildProcess) => void | Promise<void>
  /** Kill the child after this long (a hang); the run then fails on its signal and time. */
  killAfterMs?: number
}

export function fixture(name: string): string {
  return fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url))
}

/** Runs `test/fixtures/<name>` as a real child process, against the observer if given. */
export async function runFixture(
  observer: Observer | undefined,
  name: string,
  options: RunOptions = {},
): Promise<Run> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...(observer && {
      HTTP_ORIGIN: observer.httpOrigin,
      HTTPS_ORIGIN: observer.httpsOrigin,
      CA: observer.ca,
    }),
    ...options.env,
  }
  delete env.NODE_V8_COVERAGE
  delete env.NODE_OPTIONS
  const started = Date.now()
  const child = options.ipc
    ? fork(fixture(name), [], { env, stdio: ['ignore', 'pipe', 'pipe', 'ipc'] })
    : spawn(process.execPath, [fixture(name)], { env, stdio: ['ignore', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  let ready = false
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk
  })
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk
    if (!ready && /^ready$/m.test(stdout)) {
      ready = true
      Promise.resolve(options.onReady?.(child)).catch((error: unknown) => {
        stderr += `\n[test harness] onReady failed: ${String(error)}`
      })
    }
  })
  const killer = setTimeout(() => child.kill('SIGKILL'), options.killAfterMs ?? 30_000)
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) =>
    child.once('exit', (c, s) => resolve([c, s])),
  )
  const ms = Date.now() - started
  clearTimeout(killer)
  const connections = (await observer?.settle({ timeoutMs: 3_000 })) ?? []
  const seen = connections.map((c) => `${c.protocol}:${c.ending}`).join(' ')
  // One line per run: the figures the README's exit-path table quotes.
  console.log(
    `[exit-path] ${name} ${JSON.stringify(options.env ?? {})}: ${signal ?? `code ${code}`} in ${ms} ms; server saw ${seen}`,
  )
  return { code, signal, ms, stdout, stderr, connections }
}

/** Connection endings as `protocol:ending` (e.g. `http:fin`), sorted, for readable assertions. */
export function endings(run: Run): string[] {
  return run.connections.map((c) => `${c.protocol}:${c.ending}`).sort()
}
