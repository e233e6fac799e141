// What the CLI and the register preload say to each other: environment variables one way, a JSON
// file the other way. The preload writes the file, the CLI reads it and does all the printing, so
// the report comes after the program's own output (an uncaught error is printed after 'exit').
import { readFileSync, renameSync, writeFileSync } from 'node:fs'
import type { OpenHandle } from '../tracker/types.js'

/** The file the claiming preload writes its {@link ProgramResult} to. */
export const RESULT_ENV = 'LEAKCHECK_RESULT'
/** `--timeout` as a wall-clock deadline (epoch ms), so every process of the tree agrees on it. */
export const DEADLINE_ENV = 'LEAKCHECK_DEADLINE'
/** Set to {@link CLAIMED} by the Node process that reports; its children inherit it and stay quiet. */
export const CLAIM_ENV = 'LEAKCHECK_CLAIM'
export const CLAIMED = 'claimed'

/** What the program's Node process (the one that claimed the run) tells the CLI. */
export interface ProgramResult {
  /** Process id of the program's Node process. */
  pid: number
  /** Its main script, relative to its working directory when inside it. */
  program: string
  /** `'running'` once claimed, `'exited'` from its 'exit' listener, `'timed-out'` at the deadline. */
  state: 'running' | 'exited' | 'timed-out'
  /** The code its 'exit' listener saw (`null` until it exits). */
  exitCode: number | null
  /** Handles left open at exit, or keeping it alive at the deadline. */
  leaks: OpenHandle[]
  /** {@link leaks} formatted (`''` when none). */
  report: string
  /** At the deadline: what else keeps it alive, from why-is-node-running (`''` if nothing). */
  diagnosis: string
}

/**
 * Writes the result atomically (a reader never sees half a file).
 *
 * @example
 * ```ts
 * writeResult(process.env.LEAKCHECK_RESULT, { pid: process.pid, program: 'app.js', state: 'running', exitCode: null, leaks: [], report: '', diagnosis: '' })
 * ```
 */
export function writeResult(file: string | undefined, result: ProgramResult): void {
  if (file === undefined || file === '') return
  try {
    const partial = `${file}.${process.pid}.tmp`
    writeFileSync(partial, JSON.stringify(result))
    renameSync(partial, file)
  } catch {
    // The CLI then goes by the command's exit code alone.
  }
}

/**
 * The result written so far, `undefined` when no Node program has claimed the run.
 *
 * @example
 * ```ts
 * readResult(file)?.state // 'exited'
 * ```
 */
export function readResult(file: string): ProgramResult | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as ProgramResult
  } catch {
    return undefined
  }
}
