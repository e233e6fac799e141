// Vitest setup file (`@foo/leakcheck/setup`): runs in the worker before each test file, where the
// handles live (a handle opened in a worker thread is invisible from the main process).
import { aroundAll, aroundEach, expect, inject } from 'vitest'
import { LeakError } from './errors.js'
import { fromProvided, PROVIDE_KEY } from './options.js'
import { formatLeaks } from './report.js'
import type { FileStats } from './summary.js'
import { type OpenHandle, startTracker } from './tracker/index.js'

const { options, allow } = fromProvided(inject(PROVIDE_KEY))
const tracker = startTracker({ allow })
// vmThreads/vmForks give each file a new realm, hence a new tracker, while the diagnostics
// channels are process-wide: stop the tracker of the previous file's realm (`process` is shared).
const ACTIVE = Symbol.for('@foo/leakcheck.setup-tracker')
const host = process as unknown as { [ACTIVE]?: { stop(): void } }
if (host[ACTIVE] !== undefined && host[ACTIVE] !== tracker) host[ACTIVE].stop()
host[ACTIVE] = tracker
const file = expect.getState().testPath
// Everything from here on (module top level, beforeAll, tests) belongs to this file.
tracker.setScope(file === undefined ? undefined : { file })
const fileMark = tracker.mark()
const stats: FileStats = { tests: 0, leaks: 0, collected: 0 }
const reported = new Set<number>()
const optedOut = new Set<string>()
// Local addresses of reported sockets: the server's end of the same connection is not reported again.
const reportedEnds = new Set<string>()
let concurrentRunning = 0

/** The parts of a Vitest task this file reads (present in Vitest 4.1 and 5). */
interface TaskView {
  name: string
  fullTestName?: string
  concurrent?: boolean
  meta: { leakcheck?: false; leakcheckStats?: FileStats }
  suite?: TaskView
}

function isOptedOut(task: TaskView | undefined): boolean {
  for (let t = task; t; t = t.suite) if (t.meta.leakcheck === false) return true
  return false
}

/** `'127.0.0.1:8080'` from `'127.0.0.1:8080'`, `'[::1]:8080'` or `'localhost:8080 (127.0.0.1)'`. */
function endpoint(address: string | undefined): string | undefined {
  if (address === undefined) return undefined
  const named = address.match(/^.*:(\d+) \((.+)\)$/)
  return named ? `${named[2]}:${named[1]}` : address
}

function portOf(address: string | undefined): string | undefined {
  return address?.match(/:(\d+)(?:\s|$)/)?.[1]
}

function isSocket(leak: OpenHandle): boolean {
  return leak.kind === 'tcp-socket' || leak.kind === 'tls-socket'
}

/**
 * Sockets whose lifetime a server of this process decides are checked at the end of the file:
 * the server's end of a connection, and keep-alive sockets idle in a pool with that server at
 * the other end (they close when the server closes, typically in `afterAll`). An active client
 * socket, or an idle one to any other server, is the test's leak.
 */
function deferredToFile(leak: OpenHandle, serverPorts: Set<string>): boolean {
  if (!isSocket(leak)) return false
  const local = portOf(leak.local)
  if (local !== undefined && serverPorts.has(local)) return true
  const remote = portOf(leak.remote)
  return leak.state === 'idle-keep-alive' && remote !== undefined && serverPorts.has(remote)
}

/** The open handles a test is blamed for now (the rest wait for the file check). */
function testLeaks(open: OpenHandle[]): OpenHandle[] {
  if (open.length === 0) return open
  const ports = listeningPorts()
  return open.filter((leak) => !reported.has(leak.id) && !deferredToFile(leak, ports))
}

function listeningPorts(): Set<string> {
  const ports = new Set<string>()
  for (const handle of tracker.open({ since: 0 })) {
    const port = handle.kind === 'tcp-server' ? portOf(handle.local) : undefined
    if (port !== undefined) ports.add(port)
  }
  return ports
}

function leakError(leaks: OpenHandle[], where: string): LeakError {
  const report = formatLeaks(leaks, { root: process.cwd() })
  const error = new LeakError(leaks, `${where}\n\n${report}`)
  // The report carries its own frames and code frames. An empty stack keeps Vitest from parsing
  // them again (or adding this setup file's), and JSON/JUnit reporters fall back to the message.
  error.stack = ''

  return error
}

function settle(since: number, gc = true) {
  return tracker.settle({ since, deadlineMs: options.settleMs, gc })
}

function report(leaks: OpenHandle[], where: string): void {
  for (const leak of leaks) {
    reported.add(leak.id)
    const local = endpoint(leak.local)
    if (isSocket(leak) && local !== undefined) reportedEnds.add(local)
  }
  stats.leaks += leaks.length
  const error = leakError(leaks, where)
  if (options.mode === 'warn') {
    console.warn(`[leakcheck] warning (mode: 'warn', the run is not failed): ${error.message}`)
    return
  }
  throw error
}

aroundEach(async (runTest, { task }) => {
  const view = task as TaskView
  const name = view.fullTestName ?? view.name
  const skip = isOptedOut(view)
  if (skip) optedOut.add(name)
  else stats.tests += 1
  if (view.concurrent) {
    // Several tests run at once: a handle cannot be pinned to one of them, the file check takes it.
    concurrentRunning += 1
    tracker.setScope({ file, concurrent: true })
    try {
      await runTest()
    } finally {
      concurrentRunning -= 1
      if (concurrentRunning === 0) tracker.setScope({ file })
    }
    return
  }
  tracker.setScope({ file, test: name })
  const mark = tracker.mark()
  try {
    // Runs beforeEach, the test, afterEach, cleanups, fixtures and onTestFinished: we check after.
    await runTest()
  } finally {
    tracker.setScope({ file })
  }
  if (skip || options.scope === 'file') return
  // Most tests leave nothing, or only sockets a server of this file will close: no settling then.
  if (testLeaks(tracker.open({ since: mark })).length === 0) return
  // Settle without a GC first (a full GC costs milliseconds per test), then with one if needed.
  let now = testLeaks((await settle(mark, false)).leaks)
  if (now.length === 0) return
  const { leaks, collected } = await settle(mark, true)
  stats.collected += collected
  now = testLeaks(leaks)
  if (now.length > 0) report(now, `Test "${name}" left ${now.length} handle(s) open.`)
})

// biome-ignore lint/correctness/noEmptyPattern: Vitest reads hook arguments as fixtures; `{}` asks for none.
aroundAll(async (runSuite, {}, suite) => {
  let failure: unknown
  try {
    await runSuite()
  } catch (error) {
    failure = error
  }
  tracker.setScope(file === undefined ? undefined : { file })
  const { leaks, collected } = await settle(fileMark)
  stats.collected += collected
  const left = leaks.filter(
    (leak) =>
      !reported.has(leak.id) &&
      !(leak.scope.test !== undefined && optedOut.has(leak.scope.test)) &&
      !(isSocket(leak) && reportedEnds.has(endpoint(leak.remote) ?? '')),
  )
  ;(suite as TaskView).meta.leakcheckStats = {
    ...stats,
    leaks: stats.leaks + left.length,
  }
  if (failure !== undefined) {
    // The file already failed: show its leaks too, without hiding the original error.
    if (left.length > 0) console.warn(leakError(left, 'Also left open by this file:').message)
    throw failure
  }
  if (left.length > 0) {
    report(
      left,
      'Handles opened in this file (beforeAll, module top level, test.concurrent, or sockets ' +
        'to a server of this file) were still open after its last afterAll.',
    )
  }
})
