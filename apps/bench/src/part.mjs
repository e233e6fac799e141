/**
 * How `run.mjs` and each benchmark part talk: a part is a child process that gets its options
 * as JSON in argv and prints its result as one JSON line tagged {@link RESULT_TAG} on stdout.
 *
 * @module
 */
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'

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
export function runPart(file, options, nodeArgs = ['--expose-gc']) {
  const path = fileURLToPath(new URL(`./parts/${file}`, import.meta.url))
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...nodeArgs, path, JSON.stringify(options)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    })
    running.add(child)
    let stdout = ''
    child.stdout.setEncoding('utf8')
    child.stdout.on('data', (chunk) => {
      stdout += chunk
    })
    child.on('error', reject)
    child.on('exit', (code, signal) => {
      running.delete(child)
      const line = stdout.split('\n').find((l) => l.startsWith(RESULT_TAG))
      if (code === 0 && line) return resolve(JSON.parse(line.slice(RESULT_TAG.length)))
      reject(new Error(`bench part ${file} ended with ${signal ?? `code ${code}`} and no result`))
    })
  })
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
 * A full garbage collection, with finalizers given a few macrotasks to run.
 *
 * @example
 * await collectGarbage()
 */
export async function collectGarbage() {
  const gc = /** @type {(() => void) | undefined} */ (globalThis.gc)
  if (!gc) throw new Error('run the bench part with --expose-gc')
  for (let i = 0; i < 3; i++) {
    gc()
    await new Promise((resolve) => setImmediate(resolve))
  }
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
