/**
 * Part 2b, construction cost: ns to construct a `@foo/client` Client vs an undici Agent,
 * interleaved round by round; no requests. Instances stay reachable while a round is timed.
 *
 * @module
 */
import { Agent } from 'undici'
import { collectGarbage, emitResult, partOptions } from '../part.mjs'
import { loadFooClient } from '../peers.mjs'
import { interleave, summarize } from '../stats.mjs'

const { quick } = partOptions()
const perRound = quick ? 2000 : 10_000
const rounds = quick ? 5 : 15
const Client = await loadFooClient()

/** @type {Array<{ name: string, make: () => unknown }>} */
const subjects = [{ name: 'undici Agent', make: () => new Agent() }]
if (Client)
  subjects.unshift(
    {
      name: '@foo/client',
      make: () => new Client({ baseUrl: 'http://127.0.0.1:1' }),
    },
    {
      // What is left without the creation stack for leak reports (V8's capture): its cost.
      name: '@foo/client, Error.stackTraceLimit = 0',
      make: () => {
        const limit = Error.stackTraceLimit
        Error.stackTraceLimit = 0
        try {
          return new Client({ baseUrl: 'http://127.0.0.1:1' })
        } finally {
          Error.stackTraceLimit = limit
        }
      },
    },
  )

/** @type {Record<string, number[]>} */
const samples = Object.fromEntries(subjects.map(({ name }) => [name, []]))
for (const subject of subjects) for (let i = 0; i < 1000; i++) subject.make()
for (let round = 0; round < rounds; round++) {
  for (const subject of interleave(subjects, round)) {
    await collectGarbage()
    // Kept alive while timed: the cost of collecting dropped clients shows in the churn part.
    const kept = new Array(perRound)
    const start = process.hrtime.bigint()
    for (let i = 0; i < perRound; i++) kept[i] = subject.make()
    const ns = Number(process.hrtime.bigint() - start) / perRound
    samples[subject.name]?.push(ns)
  }
}
emitResult({
  perRound,
  rounds,
  subjects: ['@foo/client', '@foo/client, Error.stackTraceLimit = 0', 'undici Agent'].map(
    (name) => {
      const s = samples[name]
      return s
        ? { name, ns: summarize(s) }
        : { name, pending: '@foo/client has no working Client yet' }
    },
  ),
})
