/**
 * Part 3b, what `preferFastExit()` costs in throughput. It keeps undici's WebAssembly HTTP parser
 * on V8's baseline code for roughly its first thousand responses, and the parser is one per
 * process, so each side runs in its own child process: every round starts one child with the
 * catalog's `client` peer and one with `client-fast-exit` (order alternating), both making the
 * same requests to the same server. Req/s over the first 1,000 sequential requests (where the
 * parser differs) and over 5,000 at 64 concurrent after them (by then both run optimized code).
 *
 * Run as a child: `node fast-exit.mjs child <client|client-fast-exit> <origin> <client entry URL>`.
 *
 * @module
 */
import { fileURLToPath } from 'node:url'

const FIRST = 1000
const CONCURRENT = 5000
const CONCURRENCY = 64

if (process.argv[2] === 'child') {
  const [, , , name, origin, clientEntry] = process.argv
  // The catalog's own module only: the child loads nothing but the peer it measures.
  const { peer } = await import('@foo/testkit/peers')
  const client = (await peer(String(name)).load({ clientEntry }))(String(origin))
  let start = performance.now()
  for (let i = 0; i < FIRST; i++) await client.get('/users')
  const firstRps = FIRST / ((performance.now() - start) / 1000)
  let next = 0
  start = performance.now()
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next++ < CONCURRENT) await client.get('/users')
    }),
  )
  const concurrentRps = CONCURRENT / ((performance.now() - start) / 1000)
  process.stdout.write(`${JSON.stringify({ firstRps, concurrentRps })}\n`)
  process.exit(0)
}

const { runNode } = await import('@foo/testkit')
const { clientEntry, emitResult, log, partOptions } = await import('../part.mjs')
const { startServerProcess } = await import('../server.mjs')
const { summarize } = await import('../stats.mjs')

const { quick } = partOptions()
const rounds = quick ? 3 : 10
const self = fileURLToPath(import.meta.url)
/** The catalog peer each mode runs. */
const PEER_OF = /** @type {const} */ ({ default: 'client', fast: 'client-fast-exit' })

/**
 * @param {'default' | 'fast'} mode @param {string} origin
 * @returns {Promise<{ firstRps: number, concurrentRps: number }>}
 */
async function measure(mode, origin) {
  const run = await runNode([self, 'child', PEER_OF[mode], origin, clientEntry()], {
    stderr: 'inherit',
  })
  if (run.code !== 0) throw new Error(`fast-exit child ${PEER_OF[mode]}: code ${run.code}`)
  return JSON.parse(run.stdout)
}

const server = await startServerProcess({ keepAliveTimeout: 60_000 })
/** @type {Record<'default' | 'fast', { first: number[], concurrent: number[] }>} */
const samples = { default: { first: [], concurrent: [] }, fast: { first: [], concurrent: [] } }
/** @type {Array<'default' | 'fast'>} */
const order = ['default', 'fast']
for (let round = 0; round < rounds; round++) {
  log(`preferFastExit throughput round ${round + 1}/${rounds}`)
  for (const mode of round % 2 === 0 ? order : [...order].reverse()) {
    const { firstRps, concurrentRps } = await measure(mode, server.origin)
    samples[mode].first.push(firstRps)
    samples[mode].concurrent.push(concurrentRps)
  }
}
await server.stop()
emitResult({
  rounds,
  first: FIRST,
  concurrent: CONCURRENT,
  concurrency: CONCURRENCY,
  modes: order.map((mode) => ({
    mode,
    peer: PEER_OF[mode],
    firstRps: summarize(samples[mode].first),
    concurrentRps: summarize(samples[mode].concurrent),
  })),
})
