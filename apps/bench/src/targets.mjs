/**
 * Turns raw part results into comparisons: ratios to each reference, and a verdict for every
 * target. A target whose subject did not run gets `met: null`.
 *
 * @module
 */
import { peer } from '@foo/testkit'
import { ratio, summarize } from './stats.mjs'

/** Reference of every throughput and exit-latency ratio: raw `undici.request` on an Agent. */
export const REFERENCE = peer('undici').label
/** Reference of the gzip row: `fetch`, which negotiates and decodes gzip as the others do. */
export const GZIP_REFERENCE = peer('fetch').label

/** The exit-latency floor: `node:http` with no client library (no WebAssembly parser). */
export const FLOOR = peer('node-http').label

/** @typedef {import('./stats.mjs').Summary} Summary */

/**
 * Adds `ratio` (to the undici.request reference) to each throughput peer.
 *
 * @example
 * const throughput = compareThroughput(await runPart('throughput.mjs', {}))
 * @param {any} raw
 */
export function compareThroughput(raw) {
  const reference = raw.peers.find((/** @type {any} */ p) => p.name === REFERENCE)
  // undici.request does not decode gzip: the gzip row is compared with fetch, which does.
  const gzipReference = raw.peers.find((/** @type {any} */ p) => p.name === GZIP_REFERENCE)
  return {
    ...raw,
    reference: REFERENCE,
    gzipReference: GZIP_REFERENCE,
    peers: raw.peers.map((/** @type {any} */ peer) =>
      peer.pending
        ? peer
        : {
            ...peer,
            ratio: {
              sequential: ratio(peer.sequentialRps.median, reference?.sequentialRps?.median),
              concurrent: ratio(peer.concurrentRps.median, reference?.concurrentRps?.median),
              gzip: ratio(peer.gzipSequentialRps?.median, gzipReference?.gzipSequentialRps?.median),
              heapAllocated: ratio(
                peer.heapAllocatedPer10k.median,
                reference?.heapAllocatedPer10k?.median,
              ),
            },
          },
    ),
  }
}

/**
 * Summarizes repeated churn runs per mode (`foo`, `agent`).
 *
 * @example
 * const churn = summarizeChurn(runs, 10_000)
 * @param {any[]} runs raw results of `parts/churn.mjs`
 * @param {number} clients
 */
export function summarizeChurn(runs, clients) {
  const mib = (/** @type {number} */ bytes) => bytes / 2 ** 20
  return {
    clients,
    modes: ['foo', 'agent'].map((mode) => {
      const mine = runs.filter((run) => run.mode === mode)
      const label = mode === 'foo' ? '@foo/client' : 'undici Agent'
      const pending = mine.find((run) => run.pending)
      if (pending || mine.length === 0)
        return { mode, label, pending: pending?.pending ?? 'not run' }
      const fds = mine.every((run) => run.final.fds !== undefined)
      return {
        mode,
        label,
        loopMs: summarize(mine.map((run) => run.loopMs)),
        peakServerSockets: summarize(mine.map((run) => run.peak.server)),
        beforeGcServerSockets: summarize(mine.map((run) => run.beforeGc.server)),
        finalServerSockets: summarize(mine.map((run) => run.final.server)),
        peakSocketFds: fds ? summarize(mine.map((run) => run.peak.fds)) : undefined,
        finalSocketFds: fds ? summarize(mine.map((run) => run.final.fds)) : undefined,
        peakRssMiB: summarize(mine.map((run) => mib(run.peak.rss))),
        finalRssMiB: summarize(mine.map((run) => mib(run.final.rss))),
      }
    }),
  }
}

/**
 * Adds the ratio to the undici Agent to each construction-cost row.
 *
 * @example
 * const construct = compareConstruct(await runPart('construct.mjs', {}))
 * @param {any} raw
 */
export function compareConstruct(raw) {
  const agent = raw.subjects.find((/** @type {any} */ s) => s.name === 'undici Agent')
  return {
    ...raw,
    subjects: raw.subjects.map((/** @type {any} */ s) =>
      s.pending ? s : { ...s, ratio: ratio(s.ns.median, agent?.ns?.median) },
    ),
  }
}

/**
 * Adds to each exit-latency row the difference in ms to raw undici.request (`deltaMs`) and to the
 * floor, `node:http` with no client library (`floorDeltaMs`), with the same ending.
 *
 * @example
 * const exit = compareExit(await runPart('exit.mjs', {}))
 * @param {any} raw
 */
export function compareExit(raw) {
  /** @param {any} row @param {string} peer */
  const delta = (row, peer) => {
    const other = raw.rows.find(
      (/** @type {any} */ r) => r.peer === peer && r.ending === row.ending,
    )
    return other?.ms && row.ms ? row.ms.median - other.ms.median : undefined
  }
  return {
    ...raw,
    reference: REFERENCE,
    floor: FLOOR,
    rows: raw.rows.map((/** @type {any} */ row) =>
      row.pending
        ? row
        : { ...row, deltaMs: delta(row, REFERENCE), floorDeltaMs: delta(row, FLOOR) },
    ),
  }
}

/**
 * Adds the ratio to the run without `preferFastExit()` to the opt-in's throughput.
 *
 * @example
 * const fastExit = compareFastExit(await runPart('fast-exit.mjs', {}))
 * @param {any} raw
 */
export function compareFastExit(raw) {
  const without = raw.modes.find((/** @type {any} */ m) => m.mode === 'default')
  return {
    ...raw,
    modes: raw.modes.map((/** @type {any} */ m) => ({
      ...m,
      ratio: {
        first: ratio(m.firstRps.median, without?.firstRps?.median),
        concurrent: ratio(m.concurrentRps.median, without?.concurrentRps?.median),
      },
    })),
  }
}

/**
 * Adds to each leak-detector row the ratio to the same runner's run of the same suite with no
 * detector.
 *
 * @example
 * const leakcheck = compareLeakcheck(await runPart('leakcheck.mjs', {}))
 * @param {any} raw
 */
export function compareLeakcheck(raw) {
  return {
    ...raw,
    rows: raw.rows.map((/** @type {any} */ row) => {
      if (row.pending) return row
      const none = raw.rows.find(
        (/** @type {any} */ r) =>
          r.runner === row.runner && r.suite === row.suite && r.name === 'none',
      )
      return { ...row, ratio: ratio(row.ms.median, none?.ms?.median) }
    }),
  }
}

/**
 * The label of each catalog peer the "ahead of" targets name: the libraries users pick instead
 * (`node:http`, no library at all, is measured beside them as the floor, without a target).
 */
const LIBRARIES = ['fetch', 'axios', 'got', 'ky'].map((name) => peer(name).label)
const POOL = peer('undici-pool').label

/** @param {number} ms */
const signedMs = (ms) => `${ms >= 0 ? '+' : ''}${ms.toFixed(1)} ms`

/** @param {string} ending */
const endingLabel = (ending) => (ending === 'exit' ? 'process.exit()' : 'natural end')

/**
 * One verdict per target.
 *
 * @example
 * const verdicts = checkTargets(results)
 * verdicts[0] // { target: 'sequential: @foo/client >= 0.95x undici.request', measured: '0.97x', met: true }
 * @param {{ throughput?: any, churn?: any, construct?: any, exit?: any, fastExit?: any, leakcheck?: any }} results
 * @returns {Array<{ target: string, measured: string, met: boolean | null }>}
 */
export function checkTargets(results) {
  /** @type {Array<{ target: string, measured: string, met: boolean | null }>} */
  const verdicts = []
  const x = (/** @type {number | undefined} */ n) => (n === undefined ? 'n/a' : `${n.toFixed(2)}x`)
  const pending = (/** @type {string} */ target) =>
    verdicts.push({ target, measured: 'pending', met: null })

  if (results.throughput) {
    const peers = results.throughput.peers
    const foo = peers.find((/** @type {any} */ p) => p.name === '@foo/client')
    for (const mode of /** @type {const} */ (['sequential', 'concurrent'])) {
      const target = `${mode}: @foo/client >= 0.95x ${REFERENCE}`
      if (!foo || foo.pending) pending(target)
      else verdicts.push({ target, measured: x(foo.ratio[mode]), met: foo.ratio[mode] >= 0.95 })
      // Two readings of "ahead of every other peer": with undici's own Pool, and without it.
      for (const withPool of [true, false]) {
        const names = withPool ? [POOL, ...LIBRARIES] : LIBRARIES
        const others = peers.filter((/** @type {any} */ p) => !p.pending && names.includes(p.name))
        const best = others.reduce(
          (/** @type {any} */ top, /** @type {any} */ p) =>
            !top || p.ratio[mode] > top.ratio[mode] ? p : top,
          undefined,
        )
        const aheadTarget = withPool
          ? `${mode}: @foo/client ahead of every other library, undici Pool included`
          : `${mode}: @foo/client ahead of fetch, axios, got and ky`
        if (!foo || foo.pending || !best) pending(aheadTarget)
        else
          verdicts.push({
            target: aheadTarget,
            measured: `${x(foo.ratio[mode])} vs best of them (${best.name}) ${x(best.ratio[mode])}`,
            met: foo.ratio[mode] > best.ratio[mode],
          })
      }
    }
  }
  if (results.churn) {
    const foo = results.churn.modes.find((/** @type {any} */ m) => m.mode === 'foo')
    const agent = results.churn.modes.find((/** @type {any} */ m) => m.mode === 'agent')
    const target = `churn: @foo/client open sockets after GC fall back to 0 (no client reachable)`
    if (!foo || foo.pending) pending(target)
    else {
      const open = foo.finalServerSockets.median
      verdicts.push({
        target,
        measured: `${open} open of ${results.churn.clients} (raw Agents: ${agent?.finalServerSockets?.median ?? 'n/a'})`,
        met: open <= Math.max(1, results.churn.clients * 0.01),
      })
    }
  }
  if (results.construct) {
    const target = 'construction: @foo/client <= 3x an undici Agent'
    const foo = results.construct.subjects.find((/** @type {any} */ s) => s.name === '@foo/client')
    if (!foo || foo.pending || foo.ratio === undefined) pending(target)
    else {
      const us = (/** @type {number} */ ns) => `${(ns / 1000).toFixed(2)} µs`
      const agent = results.construct.subjects.find(
        (/** @type {any} */ s) => s.name === 'undici Agent',
      )
      verdicts.push({
        target,
        measured: `${x(foo.ratio)} (${us(foo.ns.median)} vs ${us(agent.ns.median)})`,
        met: foo.ratio <= 3,
      })
    }
  }
  if (results.exit) {
    /** @param {string} name @param {string} ending */
    const row = (name, ending) =>
      results.exit.rows.find(
        (/** @type {any} */ r) => r.peer === name && r.ending === ending && !r.pending,
      )
    for (const ending of ['natural', 'exit']) {
      const target = `exit latency (${endingLabel(ending)}): @foo/client within +5 ms of ${REFERENCE}`
      const foo = row('@foo/client', ending)
      if (foo?.deltaMs === undefined) pending(target)
      else verdicts.push({ target, measured: signedMs(foo.deltaMs), met: foo.deltaMs <= 5 })
    }
    // The floor: a program with no WebAssembly parser to wait for (the moonshot).
    for (const name of ['@foo/client', peer('client-fast-exit').label]) {
      for (const ending of ['natural', 'exit']) {
        const target = `exit latency (${endingLabel(ending)}): ${name} within +10 ms of ${FLOOR} (bare node)`
        const mine = row(name, ending)
        if (mine?.floorDeltaMs === undefined) pending(target)
        else
          verdicts.push({
            target,
            measured: signedMs(mine.floorDeltaMs),
            met: mine.floorDeltaMs <= 10,
          })
      }
    }
  }
  if (results.fastExit) {
    const fast = results.fastExit.modes.find((/** @type {any} */ m) => m.mode === 'fast')
    for (const [key, what] of /** @type {const} */ ([
      ['first', `first ${results.fastExit.first} sequential`],
      ['concurrent', `${results.fastExit.concurrency} concurrent after them`],
    ])) {
      const target = `preferFastExit() throughput, ${what}: >= 0.95x without it`
      if (!fast) pending(target)
      else verdicts.push({ target, measured: x(fast.ratio[key]), met: fast.ratio[key] >= 0.95 })
    }
  }
  if (results.leakcheck) {
    for (const [suite, limit, what] of /** @type {const} */ ([
      ['clean', 1.05, 'the clean suite'],
      ['leaking', 1.1, 'the suite where a tenth of the tests leak'],
    ])) {
      const target = `leakcheck() (default options) on ${what}: <= ${limit.toFixed(2)}x no detector`
      const row = results.leakcheck.rows.find(
        (/** @type {any} */ r) =>
          r.runner === 'vitest' && r.suite === suite && r.name === 'leakcheck',
      )
      if (!row || row.pending || row.ratio === undefined) {
        pending(target)
        continue
      }
      const evidence = reportEvidence(row)
      verdicts.push({
        target,
        measured: `${x(row.ratio)} (${evidence.text})`,
        met: row.ratio <= limit && evidence.ok,
      })
    }
  }
  return verdicts
}

/**
 * Whether every run of a leakcheck row reported exactly the leaks its suite has, in its reports
 * and in its closing line: none (and the run passed) on the clean suite, one per leaking test on
 * the other. A detector that stopped reporting would otherwise look fast.
 *
 * @example
 * reportEvidence({ expectedReports: 30, reports: [30, 30], summaryLeaks: [30, 30], exitCodes: [1, 1] })
 * // { ok: true, text: '30 of 30 leaks reported in each of 2 runs' }
 * @param {{ expectedReports: number, reports: number[], summaryLeaks: number[], exitCodes: Array<number | string | null> }} row
 * @returns {{ ok: boolean, text: string }}
 */
export function reportEvidence(row) {
  const expected = row.expectedReports
  const runs = row.reports.length
  const exact = (/** @type {number[]} */ counts) => counts.every((n) => n === expected)
  const passed = row.exitCodes.every((code) => code === 0)
  const ok = runs > 0 && exact(row.reports) && exact(row.summaryLeaks) && (expected > 0 || passed)
  if (ok && expected === 0) return { ok, text: `no leak reported, ${runs} of ${runs} runs passed` }
  if (ok) return { ok, text: `${expected} of ${expected} leaks reported in each of ${runs} runs` }
  const seen = [...new Set([...row.reports, ...row.summaryLeaks])].sort((a, b) => a - b)
  return {
    ok,
    text: `expected ${expected} leaks in each of ${runs} runs, reported ${seen.join(', ')}${expected === 0 && !passed ? `, exit codes ${row.exitCodes.join(', ')}` : ''}`,
  }
}
