import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { constants, tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import type { CliArguments } from './arguments.js'
import { LEAKS_EXIT_CODE, type RegisterResult, TIMEOUT_EXIT_CODE } from './exit-codes.js'

/** How long after `--timeout` the CLI waits for the program to report before killing it. */
const KILL_GRACE_MS = 5000

function readResult(file: string): RegisterResult | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as RegisterResult
  } catch {
    return undefined
  }
}

/**
 * Runs the program under the register preload and resolves with the exit code to use.
 *
 * @example
 * ```ts
 * process.exitCode = await run({ help: false, command: ['node', 'app.js'] })
 * ```
 */
export async function run(args: CliArguments): Promise<number> {
  const register = pathToFileURL(registerPath()).href
  const [node, ...rest] = args.command as [string, ...string[]]
  const dir = mkdtempSync(path.join(tmpdir(), 'leakcheck-'))
  const resultFile = path.join(dir, 'result.json')
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    LEAKCHECK_RESULT: resultFile,
    LEAKCHECK_CLI_PID: String(process.pid),
  }
  if (args.timeoutMs !== undefined) env.LEAKCHECK_TIMEOUT = String(args.timeoutMs)
  else delete env.LEAKCHECK_TIMEOUT
  // The user's NODE_OPTIONS pass through untouched; the preload goes on the command line.
  const child = spawn(node, ['--import', register, ...rest], { stdio: 'inherit', env })
  // A Ctrl+C in a terminal already reaches the child (same process group): forwarding SIGINT
  // too would deliver it twice, and a program using gracefulShutdown reads the second as "stop
  // now". So from a terminal SIGINT is only kept from killing the CLI before the child reports.
  const interactive = process.stdin.isTTY === true
  const forward = (signal: NodeJS.Signals) =>
    signal === 'SIGINT' && interactive ? () => {} : () => child.kill(signal)
  const forwarders = (['SIGINT', 'SIGTERM'] as const).map((signal) => {
    const listener = forward(signal)
    process.on(signal, listener)
    return [signal, listener] as const
  })
  let killed = false
  const killer =
    args.timeoutMs === undefined
      ? undefined
      : setTimeout(() => {
          killed = true
          process.stderr.write(
            `leakcheck: ${rest[0]} did not stop ${KILL_GRACE_MS} ms after --timeout ${args.timeoutMs}; killing it.\n`,
          )
          child.kill('SIGKILL')
        }, args.timeoutMs + KILL_GRACE_MS)
  try {
    const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>(
      (resolve, reject) => {
        child.once('error', reject)
        child.once('exit', (exitCode, exitSignal) => resolve([exitCode, exitSignal]))
      },
    )
    const result = readResult(resultFile)
    if (killed || result?.timedOut === true) return TIMEOUT_EXIT_CODE
    if (signal !== null) return 128 + signalNumber(signal)
    // A program that failed keeps its own code (the report is printed either way).
    if (result !== undefined && result.leaks > 0 && code === 0) return LEAKS_EXIT_CODE
    return code ?? 1
  } finally {
    if (killer !== undefined) clearTimeout(killer)
    for (const [signal, listener] of forwarders) process.off(signal, listener)
    rmSync(dir, { recursive: true, force: true })
  }
}

/** The signal's number on this platform (a shell's `128 + n`), 1 if unknown. */
function signalNumber(signal: NodeJS.Signals): number {
  return constants.signals[signal] ?? 1
}

/** The built preload: `dist/register.js` next to the running CLI (or the package's dist). */
export function registerPath(): string {
  const here = path.dirname(fileURLToPath(import.meta.url))
  return path.basename(here) === 'dist'
    ? path.join(here, 'register.js')
    : path.resolve(here, '..', '..', 'dist', 'register.js')
}
