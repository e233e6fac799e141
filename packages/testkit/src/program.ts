/**
 * What every exit-path program (`packages/testkit/scenarios/*.mjs`) shares: the library it uses,
 * the observer's origins, and the marker lines it prints. Configured by `runChild` through the
 * environment, which worker threads and forked children inherit. Loads nothing but the library.
 *
 * @packageDocumentation
 */
import { readFileSync, writeSync } from 'node:fs'
import { MARKER_TAG } from './exit/marker.js'
import { now } from './node-process.js'
import {
  type ClientModule,
  importClient,
  type MakePeerClient,
  type PeerClient,
  type PeerName,
  peer,
} from './peers.js'

/** The library this run uses (`EXIT_PEER`). */
export const library: PeerName = peer(process.env.EXIT_PEER ?? 'client').name

/** The observer's origins (`EXIT_HTTP_ORIGIN`, `EXIT_HTTPS_ORIGIN`). */
export const origins: { http: string; https: string } = {
  http: required('EXIT_HTTP_ORIGIN'),
  https: required('EXIT_HTTPS_ORIGIN'),
}

/** The observer's CA (`EXIT_CA_FILE`), to trust its HTTPS endpoint. */
export const ca: string | undefined = process.env.EXIT_CA_FILE
  ? readFileSync(process.env.EXIT_CA_FILE, 'utf8')
  : undefined

function required(name: string): string {
  const value = process.env[name]
  if (!value) {
    throw new Error(`exit-path program: ${name} is not set; run it through runChild() (pnpm demo)`)
  }
  return value
}

/**
 * Prints a marker line for the runner: `@@exit {"event":...,"at":<epoch ms>,...extra}`. Written
 * synchronously, so it is out even when `process.exit()` follows.
 *
 * @example
 * ```ts
 * mark('last-response')
 * ```
 */
export function mark(event: string, extra: Record<string, unknown> = {}): void {
  writeSync(1, `${MARKER_TAG}${JSON.stringify({ event, at: now(), ...extra })}\n`)
}

/**
 * The library's `make(origin)`, loaded once (for programs that make thousands of clients).
 *
 * @example
 * ```ts
 * const make = await loadMake()
 * const api = make(origins.https)
 * ```
 */
export function loadMake(): Promise<MakePeerClient> {
  return peer(library).load({ ca })
}

/**
 * The seed's `new Api()`: one client per protocol, never closed.
 *
 * @example
 * ```ts
 * const [overHttp, overHttps] = await makeApis()
 * ```
 */
export async function makeApis(): Promise<PeerClient[]> {
  const make = await loadMake()
  return [make(origins.http), make(origins.https)]
}

/**
 * The seed's program: a few requests on each client, one after another and together, then the
 * `last-response` marker.
 *
 * @example
 * ```ts
 * await useApis(await makeApis())
 * ```
 */
export async function useApis(apis: readonly PeerClient[]): Promise<void> {
  for (const api of apis) {
    await api.get('/json')
    await api.get('/json')
    await Promise.all([api.get('/json'), api.get('/json')])
  }
  mark('last-response')
  if (process.env.EXIT_MARK_EXIT_EVENT) {
    // Registered after the clients' own 'exit' listeners: the bench's "until every listener ran".
    process.on('exit', () => mark('exit-event'))
  }
}

/**
 * Starts one request per client that the server answers after `ms`, then prints the `in-flight`
 * marker with their count. Once the server has them all, the runner writes `go` to stdin: the
 * program prints `go-received` (by then it has read whatever else the server sent, such as TLS
 * session tickets, so a signal that follows finds nothing unread) and the runner acts.
 *
 * @example
 * ```ts
 * await sendInFlight(apis, 1500)
 * mark('last-response')
 * ```
 */
export function sendInFlight(apis: readonly PeerClient[], ms: number): Promise<unknown[]> {
  const pending = Promise.all(apis.map((api) => api.get('/slow', { ms })))
  mark('in-flight', { requests: apis.length })
  void waitForGo()
  return pending
}

let go: Promise<void> | undefined

/**
 * Resolves when the runner wrote `go` to stdin (after {@link sendInFlight}), having printed
 * `go-received` and let go of stdin.
 *
 * @example
 * ```ts
 * await waitForGo()
 * process.exit(3)
 * ```
 */
export function waitForGo(): Promise<void> {
  go ??= new Promise((resolve) => {
    let input = ''
    const onData = (chunk: string): void => {
      input += chunk
      if (!input.includes('go')) return
      process.stdin.off('data', onData)
      process.stdin.destroy()
      mark('go-received')
      resolve()
    }
    process.stdin.setEncoding('utf8').on('data', onData)
  })
  return go
}

/**
 * `@foo/client` itself (`EXIT_CLIENT_ENTRY`), for what only it has: `gracefulShutdown`, retry.
 *
 * @example
 * ```ts
 * const { gracefulShutdown } = await clientModule()
 * ```
 */
export function clientModule(): Promise<ClientModule> {
  if (!peer(library).fooClient) {
    throw new Error(`exit-path program: ${library} is not @foo/client`)
  }
  return importClient()
}
