import { availableParallelism } from 'node:os'
import { type PeerName, SCENARIOS } from '@foo/testkit'

/** A library the demo runs the scenarios with: a name in testkit's peer catalog. */
export type Library = PeerName

/** The demo's libraries, ours first, then the baselines users ask about. */
export const LIBRARIES: readonly Library[] = ['client', 'undici', 'fetch', 'got', 'ky']

/** What the demo was asked to do. */
export interface DemoArgs {
  /** Node majors; empty: the Node running the demo. */
  majors: string[]
  scenarios: string[]
  libraries: Library[]
  concurrency: number
  timeoutMs: number
  reportsDir: string | undefined
  jsonOut: string | undefined
  svgOut: string | undefined
  /** Re-render reports from this results.json instead of running. */
  from: string | undefined
  leakcheck: boolean
  /** Rewrite the READMEs' exit-path tables from SCENARIOS, run nothing. */
  readme: boolean
  help: boolean
}

/** A bad command-line argument; the message says which and what is accepted. */
export class DemoArgumentError extends Error {
  readonly code = 'DEMO_ERR_ARGUMENT'
}

/** `pnpm demo --help` text. */
export const USAGE = `usage: pnpm demo [options]

  --node 20,22,24,26     run under each Node major (local matrix, Linux x64); default: this Node
  --only a,b             only these scenarios (${SCENARIOS.length}: ${SCENARIOS.map((s) => s.id).join(', ')})
  --library a,b          only these libraries (${LIBRARIES.join(', ')})
  --concurrency N        scenarios run at once (default 2-3)
  --timeout MS           a child still running after MS is diagnosed and killed (default 10000)
  --reports-dir DIR      where results.json, results.md and matrix.svg go (default apps/demo/reports)
  --json-out FILE        also write results.json here
  --svg-out FILE         also write the picture here
  --from FILE            re-render the reports from a results.json, run nothing
  --no-leakcheck         skip the second run under the leakcheck CLI
  --readme               rewrite the READMEs' exit-path tables from the scenarios, run nothing
`

/**
 * Parses the demo's arguments; throws {@link DemoArgumentError} on anything unknown or invalid.
 *
 * @example
 * ```ts
 * parseArgs(['--node', '20,22']).majors // ['20', '22']
 * ```
 */
export function parseArgs(argv: readonly string[]): DemoArgs {
  const args: DemoArgs = {
    majors: [],
    scenarios: SCENARIOS.map((s) => s.id),
    libraries: [...LIBRARIES],
    concurrency: Math.min(3, Math.max(2, availableParallelism())),
    timeoutMs: 10_000,
    reportsDir: undefined,
    jsonOut: undefined,
    svgOut: undefined,
    from: undefined,
    leakcheck: true,
    readme: false,
    help: false,
  }
  const rest = argv[0] === '--' ? argv.slice(1) : [...argv]
  for (let i = 0; i < rest.length; i++) {
    const flag = rest[i] as string
    const value = (): string => {
      const next = rest[++i]
      if (next === undefined || next.startsWith('--')) {
        throw new DemoArgumentError(`demo: ${flag} needs a value. ${hint(flag)}`)
      }
      return next
    }
    switch (flag) {
      case '--node':
        args.majors = list(value())
        for (const m of args.majors) {
          if (!/^\d+$/.test(m))
            throw new DemoArgumentError(
              `demo: --node: '${m}' is not a Node major, e.g. --node 20,22`,
            )
        }
        break
      case '--only':
        args.scenarios = list(value())
        for (const id of args.scenarios) {
          if (!SCENARIOS.some((s) => s.id === id)) {
            throw new DemoArgumentError(`demo: --only: no scenario '${id}'. ${hint('--only')}`)
          }
        }
        break
      case '--library':
        args.libraries = list(value()) as Library[]
        for (const l of args.libraries) {
          if (!LIBRARIES.includes(l))
            throw new DemoArgumentError(`demo: --library: no library '${l}'. ${hint('--library')}`)
        }
        break
      case '--concurrency':
        args.concurrency = positiveInt(flag, value())
        break
      case '--timeout':
        args.timeoutMs = positiveInt(flag, value())
        break
      case '--reports-dir':
        args.reportsDir = value()
        break
      case '--json-out':
        args.jsonOut = value()
        break
      case '--svg-out':
        args.svgOut = value()
        break
      case '--from':
        args.from = value()
        break
      case '--no-leakcheck':
        args.leakcheck = false
        break
      case '--readme':
        args.readme = true
        break
      case '--help':
      case '-h':
        args.help = true
        break
      default:
        throw new DemoArgumentError(`demo: unknown option '${flag}'. Run pnpm demo --help.`)
    }
  }
  return args
}

function list(value: string): string[] {
  return value
    .split(',')
    .map((v) => v.trim())
    .filter((v) => v !== '')
}

function positiveInt(flag: string, value: string): number {
  const n = Number(value)
  if (!Number.isInteger(n) || n < 1) {
    throw new DemoArgumentError(`demo: ${flag} must be a positive integer, got '${value}'`)
  }
  return n
}

function hint(flag: string): string {
  if (flag === '--only') return `Scenarios: ${SCENARIOS.map((s) => s.id).join(', ')}.`
  if (flag === '--library') return `Libraries: ${LIBRARIES.join(', ')}.`
  return 'Run pnpm demo --help.'
}
