/**
 * Part 3b, what `preferFastExit()` costs in throughput. It keeps undici's WebAssembly HTTP parser
 * on V8's baseline code for roughly its first thousand responses, and the parser is one per
 * process, so each side runs in its own child process: every round starts one child without and
 * one with the opt-in (order alternating), both making the same requests to the same server.
 * Req/s over the first 1,000 sequential requests (where the parser differs) and over 5,000 at 64
 * concurrent after them (by then both run optimized code).
 *
 * Run as a child: `node fast-exit.mjs child <default|fast> <origin> <client entry URL>`.
 *
 * @module
 */
import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

const FIRST = 1000
const CONCURRENT = 5000
const CONCURRENCY = 64

if (process.argv[2] === 'child') {
  const [, , , mode, origin, clientEntry] = process.argv
  const { Client, preferFastExit } = /** @type {typeof import('@foo/client')} */ (
    await import(String(clientEntry))
  )
  if (mode === 'fast') preferFastExit()
  const client = new Client({ baseUrl: String(origin) })
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

const { packageDir } = await import('../install.mjs')
const { emitResult, log, partOptions } = await import('../part.mjs')
const { startServerProcess } = await import('../server.mjs')
const { summarize } = await import('../stats.mjs')

const { quick } = partOptions()
const rounds = quick ? 3 : 10
const self = fileURLToPath(import.meta.url)
const clientEntry = pathToFileURL(join(packageDir('client'), 'dist', 'index.js')).href

/** @param {'default' | 'fast'} mode @param {string} origin @returns {Promise<{ firstRps: number, concurrentRps: number }>} */
function measure(mode, origin) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [self, 'child', mode, origin, clientEntry], {
      stdio: ['ignore', 'pipe', 'inherit'],
    })
    let out = ''
    child.stdout.on('data', (chunk) => {
      out += chunk
    })
    child.on('error', reject)
    child.on('exit', (code) =>
      code === 0
        ? resolve(JSON.parse(out))
        : reject(new Error(`fast-exit child ${mode}: code ${code}`)),
    )
  })
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
    firstRps: summarize(samples[mode].first),
    concurrentRps: summarize(samples[mode].concurrent),
  })),
})
