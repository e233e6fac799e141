/**
 * How `run.mjs` and each benchmark part talk: a part is a child process (testkit's `startNode`)
 * that gets its options as JSON in argv and prints its result as one JSON line tagged
 * {@link RESULT_TAG} on stdout.
 *
 * @module
 */
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { startNode } from '@foo/testkit'
import { packageDir } from './install.mjs'

export const RESULT_TAG = '@@bench-result '

/** @type {Set<import('node:child_process').ChildProcess>} */
const running = new Set()
for (const signal of /** @type {const} */ (['SIGINT', 'SIGTERM'])) {
  process.once(signal, () => {
    // Ctrl+C on `pnpm bench` must not leave a part (and its server) running.
    for (const child of running) child.kill()
    process.kill(process.pid, signal)
  })
}

/**
 * Runs the part at `file` (relative to `src/parts`) in its own Node process.
 *
 * @example
 * const result = await runPart('throughput.mjs', { quick: true })
 * @param {string} file
 * @param {Record<string, unknown>} options
 * @param {string[]} [nodeArgs]
 * @returns {Promise<Record<string, unknown>>}
 */
export async function runPart(file, options, nodeArgs = ['--expose-gc']) {
  const path = fileURLToPath(new URL(`./parts/${file}`, import.meta.url))
  const { child, done } = startNode([...nodeArgs, path, JSON.stringify(options)], {
    stderr: 'inherit',
  })
  running.add(child)
  const run = await done.finally(() => running.delete(child))
  const line = run.stdout.split('\n').find((l) => l.startsWith(RESULT_TAG))
  if (run.code === 0 && line) return JSON.parse(line.slice(RESULT_TAG.length))
  throw new Error(`bench part ${file} ended with ${run.signal ?? `code ${run.code}`} and no result`)
}

/**
 * The options a part was started with.
 *
 * @example
 * const { quick } = partOptions()
 * @returns {Record<string, any>}
 */
export function partOptions() {
  return JSON.parse(process.argv[2] ?? '{}')
}

/**
 * Prints a part's result for {@link runPart}.
 *
 * @example
 * emitResult({ rows: [] })
 * @param {unknown} result
 */
export function emitResult(result) {
  process.stdout.write(`${RESULT_TAG}${JSON.stringify(result)}\n`)
}

/**
 * The file URL of the `@foo/client` every part measures: the run's snapshot (else the workspace
 * build), for testkit's peer catalog (`load({ clientEntry })`) and `runChild`.
 *
 * @example
 * const make = await peer('client').load({ clientEntry: clientEntry() })
 */
export function clientEntry() {
  return pathToFileURL(join(packageDir('client'), 'dist', 'index.js')).href
}

/**
 * Progress on stderr, so stdout stays a clean result channel.
 *
 * @example
 * log('throughput round 1/5')
 * @param {string} message
 */
export function log(message) {
  process.stderr.write(`[bench] ${message}\n`)
}
