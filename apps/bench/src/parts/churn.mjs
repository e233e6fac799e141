/**
 * Part 2, client churn: `clients` clients, one request each, dropped without close(), against a
 * server that keeps connections alive for 60 s. One mode per process (`foo` or `agent`): peak and
 * final open sockets (socket fds on Linux, and the server's own count everywhere) and RSS, with
 * full GCs forced at the end.
 *
 * @module
 */
import { readdirSync, readlinkSync } from 'node:fs'
import { setTimeout as sleep } from 'node:timers/promises'
import { collectGarbage, peer } from '@foo/testkit'
import { clientEntry, emitResult, log, partOptions } from '../part.mjs'
import { startServerProcess } from '../server.mjs'

const { mode, clients } = partOptions()
const sampleEvery = Math.max(1, Math.floor(clients / 40))

/** Socket file descriptors of this process; `undefined` where /proc is missing (macOS, Windows). */
function socketFds() {
  try {
    let count = 0
    for (const fd of readdirSync('/proc/self/fd')) {
      try {
        if (readlinkSync(`/proc/self/fd/${fd}`).startsWith('socket:')) count++
      } catch {
        // the fd closed while we listed it
      }
    }
    return count
  } catch {
    return undefined
  }
}

// One client of the catalog's peer, one request, dropped: `foo` is @foo/client, `agent` a raw
// undici Agent.
const make = await peer(mode === 'foo' ? 'client' : 'undici').load({ clientEntry: clientEntry() })
/** @param {string} origin */
const run = async (origin) => {
  await make(origin).get('/users')
}
const server = await startServerProcess({ keepAliveTimeout: 60_000 })
await collectGarbage()
const baseFds = socketFds()
const baseRss = process.memoryUsage().rss
/** @param {number | undefined} value */
const overBase = (value) =>
  value === undefined || baseFds === undefined ? undefined : value - baseFds

let peakFds = 0
let peakServer = 0
let peakRss = baseRss
const start = performance.now()
for (let i = 1; i <= clients; i++) {
  await run(server.origin)
  if (i % sampleEvery === 0 || i === clients) {
    peakFds = Math.max(peakFds, overBase(socketFds()) ?? 0)
    peakServer = Math.max(peakServer, (await server.stats()).open)
    peakRss = Math.max(peakRss, process.memoryUsage().rss)
  }
}
const loopMs = performance.now() - start
const atEnd = { fds: overBase(socketFds()), server: (await server.stats()).open }
log(`churn ${mode}: ${clients} clients in ${Math.round(loopMs)} ms, ${atEnd.server} open`)

// Finalizers run after a GC once the loop is free; sockets close a tick or more later.
for (let i = 0; i < 5; i++) {
  await collectGarbage()
  await sleep(100)
}
const final = {
  fds: overBase(socketFds()),
  server: (await server.stats()).open,
  rss: process.memoryUsage().rss,
}
await server.stop()
emitResult({
  mode,
  clients,
  loopMs,
  peak: { fds: baseFds === undefined ? undefined : peakFds, server: peakServer, rss: peakRss },
  beforeGc: atEnd,
  final,
  baseRss,
})
process.exit(0)
