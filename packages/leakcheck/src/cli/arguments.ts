import path from 'node:path'
import { LeakcheckError } from '../errors.js'
import { LEAKS_EXIT_CODE, TIMEOUT_EXIT_CODE, USAGE_EXIT_CODE } from './exit-codes.js'

/** The help text. */
export const USAGE = `Usage: leakcheck [--timeout <ms>] -- node <script> [args...]

Runs a Node program and reports, when it exits, every socket, server, child process, worker,
watcher or ref'd timer it left open.

Options:
  --timeout <ms>  if the program still runs after <ms>, print what keeps it alive and stop it
  -h, --help      show this help

Exit codes: ${LEAKS_EXIT_CODE} when the program exited 0 but left handles open; ${TIMEOUT_EXIT_CODE} when it
still ran at --timeout; ${USAGE_EXIT_CODE} for bad usage; otherwise the program's own code.`

/** The parsed command line. */
export interface CliArguments {
  timeoutMs?: number
  help: boolean
  command: string[]
}

function usageError(message: string): LeakcheckError {
  return new LeakcheckError('LEAKCHECK_BAD_USAGE', `${message}\n\n${USAGE}`)
}

/**
 * Parses `leakcheck` arguments.
 *
 * @example
 * ```ts
 * parseArguments(['--timeout', '5000', '--', 'node', 'app.js']) // { timeoutMs: 5000, help: false, command: ['node', 'app.js'] }
 * ```
 * @throws {LeakcheckError} `LEAKCHECK_BAD_USAGE`
 */
export function parseArguments(argv: string[]): CliArguments {
  const out: CliArguments = { help: false, command: [] }
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string
    if (arg === '--') {
      out.command = argv.slice(i + 1)
      break
    }
    if (arg === '-h' || arg === '--help') {
      out.help = true
    } else if (arg === '--timeout' || arg.startsWith('--timeout=')) {
      const value = arg === '--timeout' ? argv[++i] : arg.slice('--timeout='.length)
      const ms = Number(value)
      if (value === undefined || value === '' || !Number.isInteger(ms) || ms <= 0) {
        throw usageError(
          `--timeout needs a whole number of milliseconds > 0, got ${value ?? 'nothing'}.`,
        )
      }
      out.timeoutMs = ms
    } else if (arg.startsWith('-')) {
      throw usageError(`Unknown option ${arg}.`)
    } else {
      out.command = argv.slice(i)
      break
    }
  }
  if (out.help) return out
  if (out.command.length === 0) throw usageError('No program given.')
  const executable = out.command[0] as string
  const base = path.basename(executable).toLowerCase()
  if (executable !== process.execPath && !/^node(?:\d+)?(?:\.exe)?$/.test(base)) {
    throw usageError(
      `leakcheck runs Node programs: the command must start with node, got ${executable}. Example: leakcheck -- node app.js`,
    )
  }
  if (out.command.length === 1) throw usageError('No script given after node.')
  return out
}
