import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'

/** A Node binary the scenario programs run under. */
export interface NodeBinary {
  path: string
  /** `v22.12.0` */
  version: string
  major: number
}

/** A requested Node major cannot be had. */
export class NodeBinaryError extends Error {
  readonly code = 'TESTKIT_ERR_NODE_BINARY'
  override readonly name = 'NodeBinaryError'
}

const MATRIX_SCRIPT = fileURLToPath(new URL('../../../scripts/matrix.mjs', import.meta.url))

/**
 * The Node running this process.
 *
 * @example
 * ```ts
 * currentNode() // { path: process.execPath, version: 'v20.20.2', major: 20 }
 * ```
 */
export function currentNode(): NodeBinary {
  const version = process.version
  return { path: process.execPath, version, major: Number(version.slice(1).split('.')[0]) }
}

/**
 * The Node binaries for `majors`: the current one when empty, else one per major from the
 * repository's local matrix (`scripts/matrix.mjs --print-path`, Linux x64 only; elsewhere CI
 * runs once per setup-node major instead).
 *
 * @example
 * ```ts
 * resolveNodes(['20', '22']) // [{ path: '.../node', version: 'v20.20.2', major: 20 }, ...]
 * ```
 */
export function resolveNodes(majors: readonly string[]): NodeBinary[] {
  if (majors.length === 0) return [currentNode()]
  return majors.map((major) => {
    const found = spawnSync(process.execPath, [MATRIX_SCRIPT, '--print-path', major], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    })
    const path = found.stdout?.trim()
    if (found.status !== 0 || !path) {
      throw new NodeBinaryError(
        `no Node ${major} binary (scripts/matrix.mjs --print-path ${major} exited ${found.status}). ` +
          'The local matrix runs on Linux x64 only; elsewhere run under each Node version.',
      )
    }
    const version = spawnSync(path, ['--version'], { encoding: 'utf8' }).stdout.trim()
    const seen = Number(/^v(\d+)/.exec(version)?.[1])
    if (!Number.isInteger(seen)) {
      throw new NodeBinaryError(`${path} --version printed ${JSON.stringify(version)}`)
    }
    return { path, version, major: seen }
  })
}
