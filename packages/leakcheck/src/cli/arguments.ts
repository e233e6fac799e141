import { LeakcheckError } from '../errors.js'
import { LEAKS_EXIT_CODE, TIMEOUT_EXIT_CODE, USAGE_EXIT_CODE } from './exit-codes.js'

/** The help text. */
export const USAGE = `Usage: leakcheck [--timeout <ms>] [--json] -- <command> [args...]

Runs a command (node app.js, npm start, npx tsx app.ts, pnpm test...) and reports, when its Node
program exits, every socket, server, child process, worker, watcher or ref'd timer it left open.
The preload reaches the program through NODE_OPTIONS, however deep it runs; npm, npx, pnpm and
tsx are looked through.

Options:
  --timeout <ms>  if the program still runs after <ms>, print what keeps it alive and stop it
                  and every process it started
  --json          print the verdict as one line of JSON on stdout instead of the report
  -h, --help      show this help

The last line on stderr is the verdict: clean, leaked N handles, the program failed with code N,
timed out, or no Node program ran.

Exit codes: ${LEAKS_EXIT_CODE} when the program exited 0 but left handles open; ${TIMEOUT_EXIT_CODE} when it
still ran at --timeout; ${USAGE_EXIT_CODE} for bad usage or a command that ran no Node program;
otherwise the command's own code.`

/** The parsed command line. */
export interface CliArguments {
  timeoutMs?: number
  json: boolean
  help: boolean
  command: string[]
}

function usageError(message: string): LeakcheckError {
  return new LeakcheckError('LEAKCHECK_BAD_USAGE', `${message}\n\n${USAGE}`)
}

/**
 * Parses `leakcheck` arguments. Any command is accepted; whether it runs a Node program is only
 * known once it ran (the CLI then says so and exits 2).
 *
 * @example
 * ```ts
 * parseArguments(['--timeout', '5000', '--', 'npm', 'start'])
 * // { timeoutMs: 5000, json: false, help: false, command: ['npm', 'start'] }
 * ```
 * @throws {LeakcheckError} `LEAKCHECK_BAD_USAGE`
 */
export function parseArguments(argv: string[]): CliArguments {
  const out: CliArguments = { json: false, help: false, command: [] }
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string
    if (arg === '--') {
      out.command = argv.slice(i + 1)
      break
    }
    if (arg === '-h' || arg === '--help') {
      out.help = true
    } else if (arg === '--json') {
      out.json = true
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
  if (out.command.length === 0) {
    throw usageError('No command given. Example: leakcheck -- node app.js')
  }
  return out
}
