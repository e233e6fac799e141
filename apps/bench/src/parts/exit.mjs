/**
 * Part 3, exit latency: ms from a program's last response to its exit, for a natural end and for
 * `process.exit()`: the demo's `natural-end` and `process-exit` programs, run by testkit's
 * `runChild` as real child processes against its observer, every combination interleaved and
 * repeated. The libraries are catalog peers: `@foo/client`, `@foo/client` with `preferFastExit()`
 * (each program is a process of its own, as that opt-in needs), raw undici, fetch, and
 * `node:http` with no client library (the floor).
 *
 * @module
 */
import { currentNode, findMarker, peer, runChild, scenario } from '@foo/testkit'
import { clientEntry, emitResult, log, partOptions } from '../part.mjs'
import { interleave, summarize } from '../stats.mjs'

const { quick } = partOptions()
const repeats = quick ? 3 : 20
const peers = /** @type {const} */ (['client', 'client-fast-exit', 'undici', 'fetch', 'node-http'])
const endings = { natural: 'natural-end', exit: 'process-exit' }
// The same programs as the demo, with one more marker once every 'exit' listener has run.
const programs = Object.fromEntries(
  Object.entries(endings).map(([ending, id]) => [
    ending,
    { ...scenario(id), env: { EXIT_MARK_EXIT_EVENT: '1' } },
  ]),
)
const node = currentNode()
const entry = clientEntry()

/**
 * @param {(typeof peers)[number]} library @param {string} ending
 * @returns {Promise<{ total: number, toExitEvent: number }>} ms from the last response to the
 *   child's exit, and to the end of its 'exit' event
 */
async function latency(library, ending) {
  const program = /** @type {import('@foo/testkit').Scenario} */ (programs[ending])
  const outcome = await runChild(program, library, node, { clientEntry: entry })
  const last = findMarker(outcome.markers, 'last-response')?.at
  const exitEvent = findMarker(outcome.markers, 'exit-event')?.at
  const expected = 'code' in program.expect.exit ? program.expect.exit.code : undefined
  if (outcome.exit.code !== expected || !last || !exitEvent || outcome.exitAt === undefined) {
    throw new Error(`${program.id} ended with ${outcome.exit.signal ?? outcome.exit.code}`)
  }
  return { total: outcome.exitAt - last, toExitEvent: exitEvent - last }
}

const cases = peers.flatMap((library) =>
  Object.keys(endings).map((ending) => ({ library, ending })),
)
/** @type {Record<string, { total: number[], toExitEvent: number[], failures: number }>} */
const samples = {}
for (let round = 0; round < repeats; round++) {
  log(`exit latency round ${round + 1}/${repeats}`)
  for (const { library, ending } of interleave(cases, round)) {
    const key = `${library} ${ending}`
    samples[key] ??= { total: [], toExitEvent: [], failures: 0 }
    const measured = await latency(library, ending).catch((/** @type {Error} */ error) => {
      log(`${key}: ${error.message}`)
      return undefined
    })
    if (!measured) {
      samples[key].failures++
      continue
    }
    samples[key].total.push(measured.total)
    samples[key].toExitEvent.push(measured.toExitEvent)
  }
}
emitResult({
  repeats,
  rows: peers.flatMap((library) =>
    Object.keys(endings).map((ending) => {
      const s = samples[`${library} ${ending}`] ?? { total: [], toExitEvent: [], failures: 0 }
      return {
        peer: peer(library).label,
        ending,
        ms: summarize(s.total),
        toExitEventMs: summarize(s.toExitEvent),
        failures: s.failures,
      }
    }),
  ),
})
