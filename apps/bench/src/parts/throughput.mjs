/**
 * Part 1, throughput: JSON GET of ~1 KB over keep-alive, sequential and 64 concurrent, every peer
 * in the same process, interleaved round by round; plus heap allocated and retained per 10,000
 * requests; plus sequential GETs of the same JSON served gzip-compressed, for the peers that
 * negotiate and decode it (@foo/client, fetch, got, axios). The server is another process.
 *
 * @module
 */
import { getHeapStatistics } from 'node:v8'
import { collectGarbage, PEERS } from '@foo/testkit'
import { clientEntry, emitResult, log, partOptions } from '../part.mjs'
import { GZIP_PATH, PAYLOAD, startServerProcess } from '../server.mjs'
import { interleave, summarize } from '../stats.mjs'

const CONCURRENCY = 64
const options = partOptions()
const quick = Boolean(options.quick)
const rounds = quick ? 3 : 10
const sequentialRequests = quick ? 200 : 500
const concurrentRequests = quick ? 1000 : 2500
const heapRequests = quick ? 1000 : 10_000
const heapRounds = quick ? 1 : 3

/** @param {Runner} peer @param {number} count @param {() => Promise<unknown>} [get] */
async function sequential(peer, count, get = peer.get) {
  const start = performance.now()
  for (let i = 0; i < count; i++) await get()
  return count / ((performance.now() - start) / 1000)
}

// The peers of the gzip row: the libraries that send accept-encoding and decode by default.
const GZIP_PEERS = ['client', 'fetch', 'got', 'axios']

/** @param {Runner} peer @param {number} count */
async function concurrent(peer, count) {
  let next = 0
  const worker = async () => {
    while (next++ < count) await peer.get()
  }
  const start = performance.now()
  await Promise.all(Array.from({ length: CONCURRENCY }, worker))
  return count / ((performance.now() - start) / 1000)
}

/**
 * Heap allocated per request is the median growth of the used heap across one sequential request
 * (requests during which a GC ran show a drop and fall out of the median); retained is the growth
 * after full GCs.
 * @param {Runner} peer
 */
async function heap(peer) {
  await collectGarbage()
  const before = getHeapStatistics().used_heap_size
  const deltas = new Float64Array(heapRequests)
  let last = before
  for (let i = 0; i < heapRequests; i++) {
    await peer.get()
    const now = getHeapStatistics().used_heap_size
    deltas[i] = now - last
    last = now
  }
  await collectGarbage()
  const retained = getHeapStatistics().used_heap_size - before
  const sorted = [...deltas].sort((a, b) => a - b)
  return { allocatedPerRequest: sorted[Math.floor(sorted.length / 2)] ?? 0, retained }
}

/**
 * @typedef {{ name: string, get: () => Promise<unknown>, gzip?: () => Promise<unknown>,
 *   close: () => Promise<void> }} Runner
 */

const server = await startServerProcess({ keepAliveTimeout: 60_000 })
/** @type {Runner[]} */
const peers = []
// A peer whose load changes the whole process (preferFastExit()) would change the @foo/client
// row too: fast-exit.mjs measures it in processes of its own.
for (const entry of PEERS.filter((p) => !p.processWide)) {
  const client = (await entry.load({ clientEntry: clientEntry() }))(server.origin)
  /** @type {Runner} */
  const peer = { name: entry.label, get: () => client.get('/users'), close: () => client.close() }
  await peer.get()
  if (GZIP_PEERS.includes(entry.name)) {
    peer.gzip = () => client.get(GZIP_PATH)
    // A peer that did not decode (or did not ask for gzip) must not be timed as if it had.
    const decoded = JSON.stringify(await peer.gzip())
    if (decoded !== PAYLOAD) throw new Error(`${entry.label} did not decode the gzip body`)
  }
  peers.push(peer)
}

for (const peer of peers) {
  await sequential(peer, Math.min(500, sequentialRequests))
  await concurrent(peer, Math.min(2000, concurrentRequests))
  if (peer.gzip) await sequential(peer, Math.min(500, sequentialRequests), peer.gzip)
}

/**
 * @type {Record<string, { sequential: number[], concurrent: number[], gzip: number[],
 *   allocated: number[], retained: number[] }>}
 */
const samples = {}
for (const peer of peers)
  samples[peer.name] = { sequential: [], concurrent: [], gzip: [], allocated: [], retained: [] }
for (let round = 0; round < rounds; round++) {
  log(`throughput round ${round + 1}/${rounds}`)
  // A full GC before each timed batch, so no peer pays for the garbage of the one before it.
  for (const peer of interleave(peers, round)) {
    await collectGarbage()
    samples[peer.name]?.sequential.push(await sequential(peer, sequentialRequests))
  }
  for (const peer of interleave(peers, round)) {
    await collectGarbage()
    samples[peer.name]?.concurrent.push(await concurrent(peer, concurrentRequests))
  }
  for (const peer of interleave(peers, round)) {
    if (peer.gzip === undefined) continue
    await collectGarbage()
    samples[peer.name]?.gzip.push(await sequential(peer, sequentialRequests, peer.gzip))
  }
}
for (let round = 0; round < heapRounds; round++) {
  log(`heap round ${round + 1}/${heapRounds}`)
  for (const peer of interleave(peers, round)) {
    const { allocatedPerRequest, retained } = await heap(peer)
    samples[peer.name]?.allocated.push(allocatedPerRequest * 10_000)
    samples[peer.name]?.retained.push((retained * 10_000) / heapRequests)
  }
}
for (const peer of peers) await peer.close()
await server.stop()

emitResult({
  settings: {
    rounds,
    sequentialRequests,
    concurrentRequests,
    concurrency: CONCURRENCY,
    heapRequests,
    heapRounds,
  },
  peers: peers.map(({ name }) => {
    const s = /** @type {(typeof samples)[string]} */ (samples[name])
    return {
      name,
      sequentialRps: summarize(s.sequential),
      concurrentRps: summarize(s.concurrent),
      ...(s.gzip.length > 0 && { gzipSequentialRps: summarize(s.gzip) }),
      heapAllocatedPer10k: summarize(s.allocated),
      heapRetainedPer10k: summarize(s.retained),
    }
  }),
})
