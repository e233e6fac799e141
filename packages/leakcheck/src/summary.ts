import type { Reporter, TestModule, Vitest } from 'vitest/node'

/**
 * What the setup file counted in one test file. Workers store it in the file task's `meta`
 * (`leakcheckStats`), which Vitest sends to the main process in every pool.
 */
export interface FileStats {
  /** Tests whose handles were checked when they finished (not opted out, not concurrent). */
  tests: number
  /** Leaks reported, one per root cause (a server and its connections count once). */
  leaks: number
  /** Warnings: harmless handles still pending (short one-shot timers, unref'd children). */
  warnings: number
  /** Handles that closed themselves after a GC (FinalizationRegistry cleanups) while settling. */
  collected: number
}

/** Totals over a run. */
export interface RunStats extends FileStats {
  files: number
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`
}

/**
 * Adds up the per-file counts the workers attached to the test modules of a run.
 *
 * @example
 * ```ts
 * const totals = sumStats(testModules) // { files: 3, tests: 12, leaks: 1, warnings: 0, collected: 2 }
 * ```
 */
export function sumStats(testModules: ReadonlyArray<Pick<TestModule, 'meta'>>): RunStats {
  const total: RunStats = { files: 0, tests: 0, leaks: 0, warnings: 0, collected: 0 }
  for (const module of testModules) {
    const stats = module.meta().leakcheckStats
    if (!stats) continue
    total.files += 1
    total.tests += stats.tests
    total.leaks += stats.leaks
    total.warnings += stats.warnings ?? 0
    total.collected += stats.collected
  }
  return total
}

/**
 * One line for the end of a run.
 *
 * @example
 * ```ts
 * formatSummary({ files: 2, tests: 5, leaks: 1, warnings: 2, collected: 0 })
 * // 'leakcheck: 5 tests checked in 2 files, 1 leak, 2 warnings, 0 handles closed by GC'
 * ```
 */
export function formatSummary(stats: RunStats): string {
  return (
    `leakcheck: ${plural(stats.tests, 'test')} checked in ${plural(stats.files, 'file')}, ` +
    `${plural(stats.leaks, 'leak')}, ${plural(stats.warnings, 'warning')}, ` +
    `${plural(stats.collected, 'handle')} closed by GC`
  )
}

const MACHINE_REPORTERS = new Set(['json', 'junit', 'tap', 'tap-flat'])

/** Whether a reporter writes JSON/XML/TAP to stdout (no `outputFile` for it). */
function machineReporterOnStdout(vitest: Vitest): boolean {
  const { reporters, outputFile } = vitest.config as {
    reporters: unknown[]
    outputFile?: string | Record<string, string>
  }
  return reporters.some((entry) => {
    const [name, options] = Array.isArray(entry) ? entry : [entry]
    if (typeof name !== 'string' || !MACHINE_REPORTERS.has(name)) return false
    if ((options as { outputFile?: string } | undefined)?.outputFile) return false
    return !(typeof outputFile === 'string' ? outputFile : outputFile?.[name])
  })
}

/**
 * A reporter that prints {@link formatSummary} once per run. `attach` adds it to a Vitest
 * instance from the plugin's `configureVitest` hook (present in Vitest 4.1 and 5), once even when
 * the plugin sits in several projects; no import from `vitest/reporters` (gone in Vitest 5).
 *
 * @example
 * ```ts
 * const summary = createSummaryReporter()
 * // in a plugin: configureVitest({ vitest }) { summary.attach(vitest) }
 * ```
 */
export function createSummaryReporter(): { attach(vitest: Vitest): void } {
  return {
    attach(vitest) {
      // One summary per Vitest instance, even with the plugin (or copies of it) in several projects.
      const registry = globalThis as { [SUMMARY_KEY]?: WeakSet<Vitest> }
      registry[SUMMARY_KEY] ??= new WeakSet<Vitest>()
      if (registry[SUMMARY_KEY].has(vitest)) return
      registry[SUMMARY_KEY].add(vitest)
      const reporter: Reporter = {
        onTestRunEnd(testModules) {
          const stats = sumStats(testModules)
          if (stats.files === 0) return
          // `--reporter=json > out.json` must stay parseable: then the line goes to stderr.
          if (machineReporterOnStdout(vitest)) vitest.logger.error(formatSummary(stats))
          else vitest.logger.log(formatSummary(stats))
        },
      }
      vitest.config.reporters.push(reporter)
    },
  }
}

const SUMMARY_KEY = Symbol.for('@foo/leakcheck.summary')
