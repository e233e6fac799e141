import { setFlagsFromString } from 'node:v8'

// V8 raises a function's WebAssembly tier-up budget to this for the parser instance only.
const deferredBudget = 2_147_483_647
const budgetFlag = /^--wasm[-_]tiering[-_]budget=(\d+)$/

let preferred = false
let parserCreated = false

/**
 * Opt-in, for short-lived programs (CLIs, scripts, serverless functions): exit as soon as the
 * work is done instead of ~20-200 ms later. Call it once, before the first request.
 *
 * Why: after the first responses, V8 recompiles undici's HTTP parser (WebAssembly) with its
 * optimizing compiler on a background thread, and Node waits for that compile before the process
 * can end (before `beforeExit`, or in teardown after `process.exit()`). With this opt-in, the
 * one parser instance undici creates on the client's first connection starts with a much larger
 * tier-up budget, so it stays on V8's baseline code until it has parsed roughly a thousand
 * responses: a program that makes a few requests never starts that compile, and a long-running
 * one still gets the optimized parser.
 *
 * What it changes, process-wide: for the one synchronous call in which undici instantiates its
 * parser, V8's `--wasm-tiering-budget` flag is raised, then set back (to your command-line value,
 * or V8's default). No other WebAssembly is affected unless it is instantiated inside that call.
 * Nothing happens if undici's parser already exists (another request through the same copy of
 * undici came first), for a `dispatcher` you pass in, or for global `fetch`.
 *
 * @example
 * ```ts
 * import { preferFastExit } from '@foo/client'
 * preferFastExit()
 * const api = new Api()
 * console.log(await api.getFoo()) // the process ends within a few ms of this line
 * ```
 */
export function preferFastExit(): void {
  preferred = true
}

/** Runs `create` (undici creating its parser) under the deferred tier-up budget, once, if opted in. */
export function whileParserIsCreated(create: () => void): void {
  if (!preferred || parserCreated) {
    create()
    return
  }
  parserCreated = true
  setFlagsFromString(`--wasm-tiering-budget=${deferredBudget}`)
  try {
    create()
  } finally {
    setFlagsFromString(`--wasm-tiering-budget=${defaultBudget()}`)
  }
}

/** The budget to set back: the command line's, else this V8's default (raised in V8 12). */
function defaultBudget(): number {
  for (const arg of process.execArgv) {
    const given = budgetFlag.exec(arg)?.[1]
    if (given !== undefined) return Number(given)
  }
  return Number.parseInt(process.versions.v8, 10) >= 12 ? 13_000_000 : 1_800_000
}
