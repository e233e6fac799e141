/**
 * Renders a results object (as written to `results/latest.json`) as the Markdown the README shows.
 *
 * @module
 */

/** @typedef {import('./stats.mjs').Summary} Summary */

const PENDING = '_pending_'

/** @param {number} value @param {number} [digits] */
function num(value, digits = 0) {
  return value.toLocaleString('en-US', {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  })
}

/**
 * `median (p25–p75)`, or `median (min–max)` when there are too few samples for quartiles.
 *
 * @example
 * formatSummary({ median: 10, p25: 9, p75: 11, min: 8, max: 12, n: 5 }, 0) // '10 (9–11, n=5)'
 * @param {Summary | undefined} s
 * @param {number} [digits]
 * @returns {string}
 */
export function formatSummary(s, digits = 0) {
  if (!s) return 'n/a'
  if (s.n === 1) return `${num(s.median, digits)} (n=1)`
  const [low, high] = s.n < 4 ? [s.min, s.max] : [s.p25, s.p75]
  return `${num(s.median, digits)} (${num(low, digits)}–${num(high, digits)}, n=${s.n})`
}

/** @param {number | undefined} ms */
function signed(ms) {
  return ms === undefined ? 'n/a' : `${ms >= 0 ? '+' : ''}${ms.toFixed(1)}`
}

/** @param {number | undefined} value */
function times(value) {
  return value === undefined ? 'n/a' : `${value.toFixed(2)}x`
}

/** @param {string[]} header @param {string[][]} rows */
function table(header, rows) {
  return [
    `| ${header.join(' | ')} |`,
    `| ${header.map((_, i) => (i === 0 ? '---' : '---:')).join(' | ')} |`,
    ...rows.map((row) => `| ${row.join(' | ')} |`),
  ].join('\n')
}

/**
 * The full Markdown report: machine line, targets, then one table per part.
 *
 * @example
 * writeFileSync('results/latest.md', renderMarkdown(JSON.parse(readFileSync('results/latest.json', 'utf8'))))
 * @param {any} results
 * @returns {string}
 */
export function renderMarkdown(results) {
  const m = results.machine
  const out = [
    `# Benchmarks${results.quick ? ' (quick run: fewer rounds, not for publishing)' : ''}`,
    '',
    `${m.date.slice(0, 16).replace('T', ' ')} UTC · Node ${m.node} · ${m.os} · ${m.cpus.count} × ${m.cpus.model} · ${m.memoryGiB} GiB · load average at start ${m.loadAverage.join(' / ')}${m.commit ? ` · commit ${m.commit}` : ''}`,
    '',
    'Figures are medians with their spread in brackets (p25–p75, or min–max under 4 samples). ' +
      'Peers ran interleaved in the same run; compare ratios, not absolute numbers, across machines.',
    '',
  ]
  if (results.targets?.length) {
    out.push('## Targets', '')
    out.push(
      table(
        ['Target', 'Measured', 'Met'],
        results.targets.map((/** @type {any} */ t) => [
          t.target,
          t.measured,
          t.met === null ? PENDING : t.met ? 'yes' : '**no**',
        ]),
      ),
      '',
    )
  }
  const tp = results.throughput
  if (tp) {
    const s = tp.settings
    out.push(
      '## 1. Throughput: JSON GET ~1 KB, keep-alive, server in another process',
      '',
      `Requests per second; ${s.rounds} interleaved rounds of ${num(s.sequentialRequests)} sequential and ${num(s.concurrentRequests)} at ${s.concurrency} concurrent. Heap: V8 heap allocated per 10,000 sequential requests (median per-request growth × 10,000) and retained after full GCs; ${s.heapRounds} round(s) of ${num(s.heapRequests)}. Ratios to ${tp.reference}.`,
      '',
      table(
        [
          'Client',
          'Sequential req/s',
          'ratio',
          '64 concurrent req/s',
          'ratio',
          'Heap allocated / 10k (MiB)',
          'Heap retained / 10k (KiB)',
        ],
        tp.peers.map((/** @type {any} */ p) =>
          p.pending
            ? [p.name, PENDING, '', '', '', '', '']
            : [
                p.name,
                formatSummary(p.sequentialRps),
                times(p.ratio?.sequential),
                formatSummary(p.concurrentRps),
                times(p.ratio?.concurrent),
                formatSummary(scale(p.heapAllocatedPer10k, 2 ** -20), 1),
                formatSummary(scale(p.heapRetainedPer10k, 2 ** -10), 0),
              ],
        ),
      ),
      '',
    )
    const gzip = tp.peers.filter((/** @type {any} */ p) => p.gzipSequentialRps)
    if (gzip.length > 0)
      out.push(
        `The same JSON served gzip-compressed (${num(s.sequentialRequests)} sequential requests per round, each decoded and parsed), for the libraries that ask for and decode gzip by default. Ratios to ${tp.gzipReference}.`,
        '',
        table(
          ['Client', 'Sequential req/s, gzip body', 'ratio'],
          gzip.map((/** @type {any} */ p) => [
            p.name,
            formatSummary(p.gzipSequentialRps),
            times(p.ratio?.gzip),
          ]),
        ),
        '',
      )
  }
  const churn = results.churn
  if (churn) {
    out.push(
      `## 2. Client churn: ${num(churn.clients)} clients, one request each, dropped without close()`,
      '',
      'Server keep-alive 60 s. Open sockets as the server counts them (and socket fds in the client process, Linux); "after GC" is after forced full GCs at the end.',
      '',
      table(
        [
          'Clients of',
          'Loop (ms)',
          'Peak open sockets',
          'Open before GC',
          'Open after GC',
          'Socket fds after GC',
          'Peak RSS (MiB)',
          'RSS after GC (MiB)',
        ],
        churn.modes.map((/** @type {any} */ c) =>
          c.pending
            ? [c.label, PENDING, '', '', '', '', '', '']
            : [
                c.label,
                formatSummary(c.loopMs),
                formatSummary(c.peakServerSockets),
                formatSummary(c.beforeGcServerSockets),
                formatSummary(c.finalServerSockets),
                formatSummary(c.finalSocketFds),
                formatSummary(c.peakRssMiB),
                formatSummary(c.finalRssMiB),
              ],
        ),
      ),
      '',
    )
  }
  const construct = results.construct
  if (construct) {
    out.push(
      '### Cost to construct',
      '',
      `ns per construction, ${construct.rounds} interleaved rounds of ${num(construct.perRound)}.`,
      '',
      table(
        ['Constructing', 'ns', 'ratio to undici Agent'],
        construct.subjects.map((/** @type {any} */ c) =>
          c.pending ? [c.name, PENDING, ''] : [c.name, formatSummary(c.ns), times(c.ratio)],
        ),
      ),
      '',
    )
  }
  const exit = results.exit
  if (exit) {
    const floor = exit.floor ?? 'the floor'
    out.push(
      '## 3. Exit latency: last response to process exit (ms)',
      '',
      `The demo's natural-end and process-exit programs (requests over HTTP and HTTPS), each a real child process run by testkit's runChild; ${exit.repeats} interleaved runs per cell. ${floor} is a bare Node program with no client library (no WebAssembly parser): the floor. Δ: difference to ${exit.reference} and to ${floor} with the same ending. "To 'exit' event": until every 'exit' listener has run; the rest is Node's native teardown.`,
      '',
      table(
        [
          'Client',
          'Natural end',
          `Δ ${exit.reference}`,
          `Δ ${floor}`,
          "to 'exit' event",
          'process.exit()',
          `Δ ${exit.reference}`,
          `Δ ${floor}`,
          "to 'exit' event",
        ],
        [...new Set(exit.rows.map((/** @type {any} */ r) => r.peer))].map((peer) => {
          const cells = ['natural', 'exit'].flatMap((ending) => {
            const row = exit.rows.find(
              (/** @type {any} */ r) => r.peer === peer && r.ending === ending,
            )
            if (!row || row.pending) return [PENDING, '', '', '']
            const failed = row.failures ? ` (${row.failures} failed)` : ''
            return [
              `${formatSummary(row.ms, 1)}${failed}`,
              signed(row.deltaMs),
              signed(row.floorDeltaMs),
              formatSummary(row.toExitEventMs, 1),
            ]
          })
          return [String(peer), ...cells]
        }),
      ),
      '',
    )
  }
  const fastExit = results.fastExit
  if (fastExit) {
    out.push(
      '### What `preferFastExit()` costs in throughput',
      '',
      `Req/s of one client, each side in its own child process (the opt-in is per process), ${fastExit.rounds} interleaved rounds: the first ${num(fastExit.first)} sequential requests (the parser stays on baseline code about that long), then ${num(fastExit.concurrent)} at ${fastExit.concurrency} concurrent.`,
      '',
      table(
        [
          '@foo/client',
          `First ${num(fastExit.first)} sequential req/s`,
          'ratio',
          `${fastExit.concurrency} concurrent req/s`,
          'ratio',
        ],
        fastExit.modes.map((/** @type {any} */ m) => [
          m.mode === 'fast' ? 'with `preferFastExit()`' : 'without',
          formatSummary(m.firstRps),
          times(m.ratio.first),
          formatSummary(m.concurrentRps),
          times(m.ratio.concurrent),
        ]),
      ),
      '',
    )
  }
  const leak = results.leakcheck
  if (leak) {
    const kinds = Object.entries(leak.leaksByKind ?? {})
      .map(([kind, count]) => `${count} ${kind}`)
      .join(', ')
    out.push(
      `## 4. Leak-detector overhead: ${leak.tests} generated tests in ${leak.files} files`,
      '',
      `Wall time of the whole run (ms), interleaved, ${leak.rounds} round(s) (${leak.peerRounds ?? leak.rounds} for \`detectAsyncLeaks\` and Jest). A third of the tests await 2,000 promises, a third open and close a socket, a third are synchronous. In the leaking suite the last test of each file also leaves something open (${leak.leakingTests} tests: ${kinds}; a listening server, a connected socket, an interval), so under \`leakcheck()\` that run fails by design: it is compared by wall time, and its leak reports are counted in every run. Ratio to the same runner and suite with no detector. \`@foo/leakcheck\` is loaded from a copy in the suite's node_modules, as an install lays it out. Jest's \`--detectOpenHandles\` also implies \`--runInBand\`.`,
      '',
      table(
        ['Runner', 'Suite', 'Detector', 'Wall time (ms)', 'ratio', 'Leaks reported per run'],
        leak.rows.map((/** @type {any} */ r) =>
          r.pending
            ? [r.runner, r.suite, label(r.name), PENDING, '', '']
            : [
                r.runner,
                r.suite,
                label(r.name),
                formatSummary(r.ms),
                times(r.ratio),
                r.reports === undefined
                  ? ''
                  : `${[...new Set(r.reports)].join(', ')} (expected ${r.expectedReports})`,
              ],
        ),
      ),
      '',
    )
  }
  return `${out.join('\n').trimEnd()}\n`
}

/** @param {string} name */
function label(name) {
  /** @type {Record<string, string>} */
  const labels = {
    none: 'none',
    leakcheck: '`leakcheck()`',
    'leakcheck-file': "`leakcheck({ scope: 'file' })`",
    detectAsyncLeaks: '`detectAsyncLeaks: true`',
    detectOpenHandles: '`--detectOpenHandles`',
  }
  return labels[name] ?? name
}

/** @param {Summary | undefined} s @param {number} factor @returns {Summary | undefined} */
function scale(s, factor) {
  if (!s) return undefined
  return {
    median: s.median * factor,
    p25: s.p25 * factor,
    p75: s.p75 * factor,
    min: s.min * factor,
    max: s.max * factor,
    n: s.n,
  }
}
