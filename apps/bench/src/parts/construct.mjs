/**
 * Part 2b, construction cost: ns to construct a `@foo/client` Client vs an undici Agent,
 * interleaved round by round; no requests. Instances stay reachable while a round is timed.
 *
 * @module
 */
import { collectGarbage, peer } from '@foo/testkit'
import { clientEntry, emitResult, partOptions } from '../part.mjs'
import { interleave, summarize } from '../stats.mjs'

const { quick } = partOptions()
const perRound = quick ? 2000 : 10_000
const rounds = quick ? 5 : 15
const options = { clientEntry: clientEntry() }
const [client, agent] = await Promise.all([
  peer('client').load(options),
  peer('undici').load(options),
])
const origin = 'http://127.0.0.1:1'

// Each through the catalog, so both pay for the same wrapper object around the library's own.
/** @type {Array<{ name: string, make: () => unknown }>} */
const subjects = [
  { name: '@foo/client', make: () => client(origin) },
  { name: 'undici Agent', make: () => agent(origin) },
]

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
  subjects: subjects.map(({ name }) => ({ name, ns: summarize(samples[name] ?? []) })),
})
