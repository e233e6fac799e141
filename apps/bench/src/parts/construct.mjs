/**
 * Part 2b, construction cost: ns to construct a `@foo/client` Client (as is, and with
 * `Error.stackTraceLimit = 0`) vs an undici Agent, interleaved round by round; no requests.
 * Instances stay reachable while a round is timed.
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

/**
 * Each through the catalog, so both pay for the same wrapper object around the library's own.
 * `stackTraceLimit`, when set, is `Error.stackTraceLimit` for the timed loop: 0 turns off V8's
 * capture of the creation stack the client keeps for leak reports, to show what that costs. A
 * setting of the measured process, not a peer: it stays here rather than in the catalog.
 * @type {Array<{ name: string, make: () => unknown, stackTraceLimit?: number }>}
 */
const subjects = [
  { name: '@foo/client', make: () => client(origin) },
  {
    name: '@foo/client, Error.stackTraceLimit = 0',
    make: () => client(origin),
    stackTraceLimit: 0,
  },
  { name: 'undici Agent', make: () => agent(origin) },
]

/** @param {(typeof subjects)[number]} subject @param {number} count */
function construct(subject, count) {
  const limit = Error.stackTraceLimit
  if (subject.stackTraceLimit !== undefined) Error.stackTraceLimit = subject.stackTraceLimit
  try {
    // Kept alive while timed: the cost of collecting dropped clients shows in the churn part.
    const kept = new Array(count)
    const start = process.hrtime.bigint()
    for (let i = 0; i < count; i++) kept[i] = subject.make()
    return Number(process.hrtime.bigint() - start) / count
  } finally {
    Error.stackTraceLimit = limit
  }
}

/** @type {Record<string, number[]>} */
const samples = Object.fromEntries(subjects.map(({ name }) => [name, []]))
for (const subject of subjects) construct(subject, 1000)
for (let round = 0; round < rounds; round++) {
  for (const subject of interleave(subjects, round)) {
    await collectGarbage()
    samples[subject.name]?.push(construct(subject, perRound))
  }
}
emitResult({
  perRound,
  rounds,
  subjects: subjects.map(({ name }) => ({ name, ns: summarize(samples[name] ?? []) })),
})
