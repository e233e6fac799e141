import { constants } from 'node:os'
import type { OpenHandle } from '../tracker/types.js'
import { LEAKS_EXIT_CODE, TIMEOUT_EXIT_CODE, USAGE_EXIT_CODE } from './exit-codes.js'
import type { ProgramResult } from './protocol.js'

/** How a `leakcheck` run ended, as a word a script can branch on. */
export type VerdictKind =
  | 'clean'
  | 'leaked'
  | 'failed'
  | 'killed'
  | 'timed-out'
  | 'no-node-program'
  | 'not-started'

/** What the CLI saw of the command it ran. */
export interface RunOutcome {
  command: string[]
  /** The command's exit code (a launcher passes its program's on), `null` after a signal. */
  exitCode: number | null
  signal: NodeJS.Signals | null
  /** `--timeout` passed and the tree was stopped. */
  timedOut: boolean
  timeoutMs?: number | undefined
  /** What the program's Node process reported; `undefined` when no Node program claimed the run. */
  result?: ProgramResult | undefined
  /** Why the command could not be started at all. */
  startError?: string | undefined
}

/** The verdict: the exit code, the final line, and the `--json` object. */
export interface Verdict {
  kind: VerdictKind
  exitCode: number
  /** The plain last line leakcheck prints on stderr. */
  line: string
  json: VerdictJson
}

/** The one line `leakcheck --json` prints on stdout. */
export interface VerdictJson {
  verdict: VerdictKind
  /** The code leakcheck exits with. */
  exitCode: number
  command: string[]
  /** The command's own exit code, or `null` when a signal ended it (or it never started). */
  commandExitCode: number | null
  signal: NodeJS.Signals | null
  /** The Node process leakcheck checked, `null` when none ran. */
  program: { pid: number; main: string; exitCode: number | null } | null
  /** Handles left open at exit, or keeping the program alive at `--timeout`. */
  leaks: OpenHandle[]
  /** The human report of those handles (`''` when none). */
  report: string
  /** At `--timeout`: other resources keeping it alive, from why-is-node-running. */
  diagnosis: string
  message: string
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`
}

function decide(outcome: RunOutcome): { kind: VerdictKind; exitCode: number; message: string } {
  const shown = outcome.command.join(' ')
  const result = outcome.result
  const leaks = result?.leaks.length ?? 0
  // A program killed by a signal (or by SIGKILL) never ran its 'exit' listener: nothing was checked.
  const left =
    result !== undefined && result.state !== 'exited'
      ? 'its handles were not checked: it ended without running its exit listeners'
      : leaks === 0
        ? 'nothing left open'
        : `${plural(leaks, 'handle')} left open`
  if (outcome.startError !== undefined) {
    return {
      kind: 'not-started',
      exitCode: USAGE_EXIT_CODE,
      message: `could not start ${shown}: ${outcome.startError}`,
    }
  }
  if (outcome.timedOut) {
    const alive =
      result === undefined
        ? 'no Node program had reported yet'
        : `${plural(leaks, 'tracked handle')} kept it alive`
    return {
      kind: 'timed-out',
      exitCode: TIMEOUT_EXIT_CODE,
      message: `timed out after ${outcome.timeoutMs} ms (${shown} was still running, ${alive}; it and every process it started were stopped)`,
    }
  }
  if (result === undefined) {
    return {
      kind: 'no-node-program',
      exitCode: USAGE_EXIT_CODE,
      message:
        `no Node program ran: ${shown} started no Node process (npm, npx, pnpm and tsx are looked through), so nothing was checked. ` +
        'Fix: give a command that runs a Node program, e.g. `leakcheck -- node app.js`, `leakcheck -- npm start` or `leakcheck -- npx tsx app.ts`.',
    }
  }
  if (outcome.signal !== null) {
    return {
      kind: 'killed',
      exitCode: 128 + (constants.signals[outcome.signal] ?? 1),
      message: `the program was killed by ${outcome.signal} (${shown}; ${left})`,
    }
  }
  const code = outcome.exitCode ?? 1
  if (code !== 0) {
    return {
      kind: 'failed',
      exitCode: code,
      message: `the program failed with code ${code} (${shown}; ${left})`,
    }
  }
  if (leaks > 0) {
    return {
      kind: 'leaked',
      exitCode: LEAKS_EXIT_CODE,
      message: `leaked ${plural(leaks, 'handle')} (${shown} exited with code 0; leakcheck exits ${LEAKS_EXIT_CODE})`,
    }
  }
  return {
    kind: 'clean',
    exitCode: 0,
    message: `clean (${shown} exited with code 0, nothing left open)`,
  }
}

/**
 * Decides how a run ended: leakcheck's exit code, the final line it prints, the `--json` object.
 * A failing program keeps its code (its leaks are still reported); 7 only when it exited 0.
 *
 * @example
 * ```ts
 * verdict({ command: ['node', 'app.js'], exitCode: 0, signal: null, timedOut: false, result })
 * // { kind: 'leaked', exitCode: 7, line: 'leakcheck: leaked 1 handle (node app.js exited with code 0; leakcheck exits 7)', json: { ... } }
 * ```
 */
export function verdict(outcome: RunOutcome): Verdict {
  const { kind, exitCode, message } = decide(outcome)
  const result = outcome.result
  return {
    kind,
    exitCode,
    line: `leakcheck: ${message}`,
    json: {
      verdict: kind,
      exitCode,
      command: outcome.command,
      commandExitCode: outcome.exitCode,
      signal: outcome.signal,
      program:
        result === undefined
          ? null
          : { pid: result.pid, main: result.program, exitCode: result.exitCode },
      leaks: result?.leaks ?? [],
      report: result?.report ?? '',
      diagnosis: result?.diagnosis ?? '',
      message,
    },
  }
}
