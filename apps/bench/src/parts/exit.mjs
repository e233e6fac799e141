/**
 * Part 3, exit latency: ms from a program's last response to its exit, for a natural end and for
 * `process.exit()`, each run a real child process, every combination interleaved and repeated.
 *
 * @module
 */
import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { packageDir } from '../install.mjs'
import { emitResult, log, partOptions } from '../part.mjs'
import { loadFooClient } from '../peers.mjs'
import { startServerProcess } from '../server.mjs'
import { interleave, summarize } from '../stats.mjs'

const { quick } = partOptions()
const repeats = quick ? 3 : 20
const fixture = fileURLToPath(new URL('./exit-fixture.mjs', import.meta.url))
const peers = [
  '@foo/client',
  '@foo/client preferFastExit()',
  'undici.request',
  'fetch',
  'bare node',
]
const endings = ['natural', 'exit']
const fooReady = Boolean(await loadFooClient())
// The fixture imports this file directly, so that it loads no more of the harness for one peer.
const clientEntry = pathToFileURL(join(packageDir('client'), 'dist', 'index.js')).href

/**
 * @param {string} peer @param {string} ending @param {string} origin
 * @returns {Promise<{ total: number, toExitEvent: number }>} ms from "done" to the child's exit,
 *   and to the end of its 'exit' event
 */
function latency(peer, ending, origin) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [fixture, peer, ending, origin, clientEntry], {
      stdio: ['ignore', 'pipe', 'inherit'],
    })
    /** @type {number | undefined} */
    let doneAt
    /** @type {number | undefined} */
    let exitEventAt
    let seen = ''
    child.stdout.on('data', (chunk) => {
      seen += chunk
      if (doneAt === undefined && seen.includes('done')) doneAt = performance.now()
      if (exitEventAt === undefined && seen.includes('exit-event')) exitEventAt = performance.now()
    })
    child.on('error', reject)
    child.on('exit', (code) => {
      const exitedAt = performance.now()
      if (code !== 0 || doneAt === undefined || exitEventAt === undefined) {
        reject(new Error(`exit fixture ${peer} ${ending} ended with code ${code}`))
      } else resolve({ total: exitedAt - doneAt, toExitEvent: exitEventAt - doneAt })
    })
  })
}

const server = await startServerProcess({ keepAliveTimeout: 60_000 })
const cases = peers
  .filter((peer) => fooReady || !peer.startsWith('@foo/client'))
  .flatMap((peer) => endings.map((ending) => ({ peer, ending })))
/** @type {Record<string, { total: number[], toExitEvent: number[], failures: number }>} */
const samples = {}
for (let round = 0; round < repeats; round++) {
  log(`exit latency round ${round + 1}/${repeats}`)
  for (const { peer, ending } of interleave(cases, round)) {
    const key = `${peer} ${ending}`
    samples[key] ??= { total: [], toExitEvent: [], failures: 0 }
    const measured = await latency(peer, ending, server.origin).catch(
      (/** @type {Error} */ error) => {
        log(`${key}: ${error.message}`)
        return undefined
      },
    )
    if (!measured) {
      samples[key].failures++
      continue
    }
    const { total, toExitEvent } = measured
    samples[key].total.push(total)
    samples[key].toExitEvent.push(toExitEvent)
  }
}
await server.stop()
emitResult({
  repeats,
  rows: peers.flatMap((peer) =>
    endings.map((ending) => {
      const s = samples[`${peer} ${ending}`]
      return s && s.total.length > 0
        ? {
            peer,
            ending,
            ms: summarize(s.total),
            toExitEventMs: summarize(s.toExitEvent),
            failures: s.failures,
          }
        : {
            peer,
            ending,
            pending: s
              ? `all ${s.failures} runs failed`
              : '@foo/client has no working Client.get() yet',
          }
    }),
  ),
})
