// Vitest setup file (`@foo/leakcheck/setup`): runs in the worker before each test file, where the
// handles live (a handle opened in a worker thread is invisible from the main process).
import { aroundAll, aroundEach, expect, inject } from 'vitest'
import { check } from './check.js'
import { LeakError } from './errors.js'
import { clientEntries, type KeptClient, keptClients } from './kept-clients.js'
import { fromProvided, PROVIDE_KEY } from './options.js'
import type { LeakGroup } from './policy.js'
import { formatGroups, formatKeptClients } from './report.js'
import type { FileStats } from './summary.js'
import { startTracker } from './tracker/index.js'

const { options, allow } = fromProvided(inject(PROVIDE_KEY))
const tracker = startTracker({ allow })
// vmThreads/vmForks give each file a new realm, hence a new tracker, while the diagnostics
// channels are process-wide: stop the tracker of the previous file's realm (`process` is shared).
const ACTIVE = Symbol.for('@foo/leakcheck.setup-tracker')
const host = process as unknown as { [ACTIVE]?: { stop(): void } }
if (host[ACTIVE] !== undefined && host[ACTIVE] !== tracker) host[ACTIVE].stop()
host[ACTIVE] = tracker
const file = expect.getState().testPath
// The module top level (and anything outside a test or the file's hooks) belongs to the file.
tracker.setBaseScope(file === undefined ? undefined : { file })
const stats: FileStats = { tests: 0, leaks: 0, warnings: 0, collected: 0 }
const reported = new Set<number>()
const warnings: LeakGroup[] = []

/** The parts of a Vitest task this file reads (present in Vitest 4.1 and 5). */
interface TaskView {
  name: string
  fullTestName?: string
  meta: { leakcheck?: false; leakcheckStats?: FileStats }
  suite?: TaskView
}

function isOptedOut(task: TaskView | undefined): boolean {
  for (let t = task; t; t = t.suite) if (t.meta.leakcheck === false) return true
  return false
}

function remember(groups: LeakGroup[]): void {
  for (const group of groups)
    for (const h of [...group.causes, ...group.members]) reported.add(h.id)
}

function leakError(groups: LeakGroup[], where: string, kept: KeptClient[] = []): LeakError {
  const root = process.cwd()
  const parts = [where]
  if (groups.length > 0) parts.push(formatGroups(groups, { root }))
  if (kept.length > 0) parts.push(formatKeptClients(kept, { root }))
  const error = new LeakError(groups, parts.join('\n\n'))
  // The report carries its own frames and code frames. An empty stack keeps Vitest from parsing
  // them again (or adding this setup file's), and JSON/JUnit reporters fall back to the message.
  error.stack = ''
  return error
}

function report(groups: LeakGroup[], where: string, kept: KeptClient[] = []): void {
  remember(groups)
  stats.leaks += groups.length + kept.length
  const error = leakError(groups, where, kept)
  if (options.mode === 'warn') {
    console.warn(`[leakcheck] warning (mode: 'warn', the run is not failed): ${error.message}`)
    return
  }
  throw error
}

function settleOptions() {
  return { settleMs: options.settleMs, shortTimerMs: options.shortTimerMs, exclude: reported }
}

aroundEach(async (runTest, { task }) => {
  const view = task as TaskView
  const test = view.fullTestName ?? view.name
  if (isOptedOut(view)) {
    // Nothing its work opens is recorded, so nothing of it is held or checked.
    await tracker.run({ file, test, off: true }, runTest)
    return
  }
  stats.tests += 1
  // Runs beforeEach, the test, afterEach, cleanups, fixtures and onTestFinished: we check after.
  await tracker.run({ file, test }, runTest)
  if (options.scope === 'file') return
  const verdict = await check(tracker, { at: 'test', file, test }, settleOptions())
  stats.collected += verdict.collected
  if (verdict.warnings.length > 0) {
    remember(verdict.warnings)
    warnings.push(...verdict.warnings)
  }
  if (verdict.leaks.length > 0) {
    report(verdict.leaks, `Test "${test}" left handles open.`)
  }
})

// biome-ignore lint/correctness/noEmptyPattern: Vitest reads hook arguments as fixtures; `{}` asks for none.
aroundAll(async (runSuite, {}, suite) => {
  let failure: unknown
  try {
    await tracker.run({ file }, runSuite)
  } catch (error) {
    failure = error
  }
  const verdict = await check(tracker, { at: 'file', file }, settleOptions())
  stats.collected += verdict.collected
  warnings.push(...verdict.warnings)
  stats.warnings += warnings.length
  if (warnings.length > 0) {
    console.warn(
      `[leakcheck] warning: harmless but still pending when their test or file ended (they do not fail the run):\n\n${formatGroups(warnings, { root: process.cwd() })}`,
    )
  }
  // A @foo/client this file created and kept on globalThis/process outlives it.
  const kept = file === undefined ? [] : keptClients(clientEntries(), file)
  ;(suite as TaskView).meta.leakcheckStats = {
    ...stats,
    leaks: stats.leaks + verdict.leaks.length + kept.length,
  }
  if (failure !== undefined) {
    // The file already failed: show its leaks too, without hiding the original error.
    if (verdict.leaks.length > 0 || kept.length > 0) {
      console.warn(leakError(verdict.leaks, 'Also left open by this file:', kept).message)
    }
    throw failure
  }
  if (verdict.leaks.length > 0 || kept.length > 0) {
    report(verdict.leaks, 'Still open after the last afterAll of this file:', kept)
  }
})
