/**
 * Turns raw part results into comparisons: ratios to each reference, and a verdict for every
 * target issue 6 sets. A target whose subject is pending gets `met: null`.
 *
 * @module
 */
import { peer } from '@foo/testkit'

/** Reference of every throughput and exit-latency ratio: raw `undici.request` on an Agent. */
export const REFERENCE = peer('undici').label

import { ratio, summarize } from './stats.mjs'

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
  return {
    ...raw,
    reference: REFERENCE,
    peers: raw.peers.map((/** @type {any} */ peer) =>
      peer.pending
        ? peer
        : {
            ...peer,
            ratio: {
              sequential: ratio(peer.sequentialRps.median, reference?.sequentialRps?.median),
              concurrent: ratio(peer.concurrentRps.median, reference?.concurrentRps?.median),
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
 * Adds the difference in ms to raw undici.request (same ending) to each exit-latency row.
 *
 * @example
 * const exit = compareExit(await runPart('exit.mjs', {}))
 * @param {any} raw
 */
export function compareExit(raw) {
  return {
    ...raw,
    reference: REFERENCE,
    rows: raw.rows.map((/** @type {any} */ row) => {
      if (row.pending) return row
      const reference = raw.rows.find(
        (/** @type {any} */ r) => r.peer === REFERENCE && r.ending === row.ending,
      )
      return { ...row, deltaMs: reference?.ms ? row.ms.median - reference.ms.median : undefined }
    }),
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
 * Adds the ratio to the same runner's no-detector run to each leakcheck row.
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
        (/** @type {any} */ r) => r.runner === row.runner && r.name === 'none',
      )
      return { ...row, ratio: ratio(row.ms.median, none?.ms?.median) }
    }),
  }
}

/**
 * One verdict per target of issue 6.
 *
 * @example
 * const verdicts = checkTargets(results)
 * verdicts[0] // { target: '@foo/client sequential >= 0.95x undici.request', measured: '0.97x', met: true }
 * @param {{ throughput?: any, churn?: any, exit?: any, fastExit?: any, leakcheck?: any }} results
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
        const others = peers.filter(
          (/** @type {any} */ p) =>
            !p.pending &&
            p.name !== '@foo/client' &&
            p.name !== REFERENCE &&
            (withPool || !p.name.startsWith('undici')),
        )
        const best = others.reduce(
          (/** @type {any} */ top, /** @type {any} */ p) =>
            !top || p.ratio[mode] > top.ratio[mode] ? p : top,
          undefined,
        )
        const aheadTarget = withPool
          ? `${mode}: @foo/client ahead of every other peer, undici Pool included`
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
  if (results.exit) {
    for (const ending of ['natural', 'exit']) {
      const target = `exit latency (${ending === 'exit' ? 'process.exit()' : 'natural end'}): @foo/client within +5 ms of ${REFERENCE}`
      const row = results.exit.rows.find(
        (/** @type {any} */ r) => r.peer === '@foo/client' && r.ending === ending,
      )
      if (!row || row.pending || row.deltaMs === undefined) pending(target)
      else
        verdicts.push({
          target,
          measured: `${row.deltaMs >= 0 ? '+' : ''}${row.deltaMs.toFixed(1)} ms`,
          met: row.deltaMs <= 5,
        })
    }
  }
  if (results.exit?.rows.some((/** @type {any} */ r) => r.peer === 'bare node')) {
    // The floor: a program with no WebAssembly parser to wait for (issue 12's moonshot).
    for (const peer of ['@foo/client', '@foo/client preferFastExit()']) {
      for (const ending of ['natural', 'exit']) {
        const target = `exit latency (${ending === 'exit' ? 'process.exit()' : 'natural end'}): ${peer} within +10 ms of bare node`
        const find = (/** @type {string} */ name) =>
          results.exit.rows.find(
            (/** @type {any} */ r) => r.peer === name && r.ending === ending && !r.pending,
          )
        const row = find(peer)
        const bare = find('bare node')
        if (!row || !bare) pending(target)
        else {
          const delta = row.ms.median - bare.ms.median
          verdicts.push({
            target,
            measured: `${delta >= 0 ? '+' : ''}${delta.toFixed(1)} ms`,
            met: delta <= 10,
          })
        }
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
    for (const scope of ['test', 'file']) {
      const target = `leakcheck({ scope: '${scope}' }) <= 1.10x no detector`
      const row = results.leakcheck.rows.find(
        (/** @type {any} */ r) => r.runner === 'vitest' && r.name === `leakcheck-${scope}`,
      )
      if (!row || row.pending) pending(target)
      else verdicts.push({ target, measured: x(row.ratio), met: row.ratio <= 1.1 })
    }
  }
  return verdicts
}
