import type { ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { createCertificate } from '../certificate.js'
import { now, startNode } from '../node-process.js'
import { type Observer, startObserver } from '../observer.js'
import type { PeerName } from '../peers.js'
import { waitFor } from '../wait.js'
import { type Marker, type Observation, parseMarkers } from './judge.js'
import type { NodeBinary } from './nodes.js'
import type { Scenario } from './scenarios.js'

/** Where the scenario programs live (plain `.mjs`, run on plain `node`, no build). */
export const SCENARIO_DIR: string = dirname(
  createRequire(import.meta.url).resolve('@foo/testkit/scenarios/natural-end.mjs'),
)

/**
 * The file a scenario's program is: a name under {@link SCENARIO_DIR}, or an absolute file URL.
 *
 * @example
 * ```ts
 * programPath(scenario('natural-end')) // '.../packages/testkit/scenarios/natural-end.mjs'
 * ```
 */
export function programPath(scenario: Pick<Scenario, 'program'>): string {
  return fileURLToPath(new URL(scenario.program, pathToFileURL(join(SCENARIO_DIR, '/'))))
}

/** Options of {@link runChild}. */
export interface RunChildOptions {
  /** `@foo/client`'s entry, for the `client` library: see `clientEntry()`. */
  clientEntry?: string | undefined
  /** ms before a child that has not exited is killed (default 10 000; see `minTimeoutMs`). */
  timeoutMs?: number | undefined
  /**
   * Arguments before the program: Node flags (`--import why-is-node-running/include`), or a
   * wrapper script and its own arguments (`leakcheck.js -- node`).
   */
  launcher?: readonly string[] | undefined
  /** Called at the timeout, before the kill: ask the child what keeps it alive. */
  onTimeout?: ((child: ChildProcess) => Promise<void>) | undefined
}

/** The raw outcome of one run: what {@link judge} reads, and the whole stdout. */
export interface ChildOutcome extends Observation {
  stdout: string
}

/**
 * Runs one scenario program once as a real child process under `node`, with `library`, against
 * its own observer (an HTTP and an HTTPS server on 127.0.0.1 that record how each connection
 * ended), and collects what was seen. The one exit-path harness of the repository.
 *
 * The environment protocol the program reads (inherited by its workers and forked children):
 * `EXIT_PEER`, `EXIT_HTTP_ORIGIN`, `EXIT_HTTPS_ORIGIN`, `EXIT_CA_FILE` (and
 * `NODE_EXTRA_CA_CERTS`), `EXIT_SIGNAL`, `EXIT_CLIENT_ENTRY`, and the scenario's own `env`. The
 * marker protocol it prints: `@@exit {"event":...,"at":...}` lines on stdout. Once the program
 * printed `in-flight` and the server has that many requests unanswered, the runner writes `go`
 * to its stdin, and once it printed `go-received`, sends the scenario's signal; a child still running after the timeout is
 * killed (SIGKILL) and marked timed out.
 *
 * @example
 * ```ts
 * const outcome = await runChild(scenario('natural-end'), 'client', currentNode(), { clientEntry })
 * judge(scenario('natural-end'), 'client', outcome, process.platform).status // 'pass'
 * ```
 */
export async function runChild(
  scenario: Scenario,
  library: PeerName,
  node: NodeBinary,
  options: RunChildOptions = {},
): Promise<ChildOutcome> {
  const observer = await startObserver({ keepAliveTimeout: scenario.keepAliveTimeout ?? 5000 })
  try {
    const env = programEnv(scenario, library, observer, await caFile(), options.clientEntry)
    const timeoutMs = Math.max(options.timeoutMs ?? 10_000, scenario.minTimeoutMs ?? 0)
    const { child, done } = startNode([...(options.launcher ?? []), programPath(scenario)], {
      node: node.path,
      cwd: SCENARIO_DIR,
      env,
      timeoutMs,
      onTimeout: options.onTimeout,
      stdin: 'pipe',
    })
    let exited = false
    let signalAt: number | undefined
    if (scenario.signal || scenario.goWhenInFlight) {
      const markers = watchMarkers(child)
      void (async () => {
        const inFlight = await markers('in-flight')
        const requests = typeof inFlight.requests === 'number' ? inFlight.requests : 1
        await waitFor(
          `${requests} request(s) in flight at the server`,
          () => exited || unanswered(observer) >= requests,
          timeoutMs,
        )
        if (exited) return
        child.stdin?.end('go\n')
        if (!scenario.signal) return
        await markers('go-received')
        if (exited) return
        signalAt = now()
        child.kill(scenario.signal)
        if (scenario.repeatSignalOn === undefined) return
        await markers(scenario.repeatSignalOn)
        if (exited) return
        signalAt = now()
        child.kill(scenario.signal)
      })().catch(() => {
        // No in-flight request reached the server: the verdict says what happened instead.
      })
    }
    const run = await done
    exited = true
    const connections = await observer.settle({ quietMs: 150, timeoutMs: 1500 })
    return {
      exit: { code: run.code, signal: run.signal },
      exitAt: run.exitAt,
      signalAt,
      timedOut: run.timedOut,
      markers: parseMarkers(run.stdout),
      stdout: run.stdout,
      stderr: run.stderr,
      connections,
      serverLastResponseAt: observer.lastResponseAt(),
    }
  } finally {
    await observer.close()
  }
}

function programEnv(
  scenario: Scenario,
  library: PeerName,
  observer: Observer,
  ca: string,
  clientEntry: string | undefined,
): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...scenario.env,
    EXIT_PEER: library,
    EXIT_HTTP_ORIGIN: observer.httpOrigin,
    EXIT_HTTPS_ORIGIN: observer.httpsOrigin,
    EXIT_CA_FILE: ca,
    NODE_EXTRA_CA_CERTS: ca,
  }
  if (scenario.signal) env.EXIT_SIGNAL = scenario.signal
  if (clientEntry) env.EXIT_CLIENT_ENTRY = clientEntry
  else delete env.EXIT_CLIENT_ENTRY
  // Coverage makes @foo/client turn finalizers off (nodejs/node#49344): not what users run.
  delete env.NODE_V8_COVERAGE
  delete env.NODE_OPTIONS
  return env
}

/** Resolves with the first marker called `event` the child prints from now on (or printed). */
function watchMarkers(child: ChildProcess): (event: string) => Promise<Marker> {
  let stdout = ''
  const waiting = new Set<() => void>()
  child.stdout?.on('data', (chunk: string) => {
    stdout += chunk
    for (const check of waiting) check()
  })
  return (event) =>
    new Promise((resolve) => {
      const check = (): void => {
        const marker = parseMarkers(stdout).find((m) => m.event === event)
        if (!marker) return
        waiting.delete(check)
        resolve(marker)
      }
      waiting.add(check)
      check()
    })
}

function unanswered(observer: Observer): number {
  return observer.connections().reduce((sum, c) => sum + Math.max(0, c.requests - c.responses), 0)
}

let caPath: Promise<string> | undefined

/** The observer's CA in a file (for EXIT_CA_FILE and NODE_EXTRA_CA_CERTS), written once. */
function caFile(): Promise<string> {
  caPath ??= createCertificate().then(({ cert }) => {
    const dir = mkdtempSync(join(tmpdir(), 'foo-exit-ca-'))
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }))
    const path = join(dir, 'ca.pem')
    writeFileSync(path, cert)
    return path
  })
  return caPath
}
