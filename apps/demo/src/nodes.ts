import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'

/** A Node binary the scenarios run under. */
export interface NodeBinary {
  path: string
  /** `v22.12.0` */
  version: string
  major: number
}

/** The error thrown when a requested Node major cannot be had. */
export class NodeBinaryError extends Error {
  readonly code = 'DEMO_ERR_NODE_BINARY'
}

const MATRIX_SCRIPT = fileURLToPath(new URL('../../../scripts/matrix.mjs', import.meta.url))

/**
 * The Node binaries to run scenarios under: the current one when `majors` is empty, else one per
 * major from the repository's local matrix (`scripts/matrix.mjs --print-path`, Linux x64 only;
 * on other systems CI runs the demo once per setup-node major instead).
 *
 * @example
 * ```ts
 * resolveNodes(['20', '22']) // [{ path: '.../node', version: 'v20.20.2', major: 20 }, ...]
 * ```
 */
export function resolveNodes(majors: readonly string[]): NodeBinary[] {
  if (majors.length === 0) return [describe(process.execPath)]
  return majors.map((major) => {
    const found = spawnSync(process.execPath, [MATRIX_SCRIPT, '--print-path', major], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    })
    const path = found.stdout?.trim()
    if (found.status !== 0 || !path) {
      throw new NodeBinaryError(
        `demo: no Node ${major} binary (scripts/matrix.mjs --print-path ${major} exited ${found.status}). ` +
          'The local matrix runs on Linux x64 only; elsewhere run `pnpm demo` under each Node version.',
      )
    }
    return describe(path)
  })
}

function describe(path: string): NodeBinary {
  const result = spawnSync(path, ['--version'], { encoding: 'utf8' })
  const version = result.stdout.trim()
  const major = Number(/^v(\d+)/.exec(version)?.[1])
  if (result.status !== 0 || !Number.isInteger(major)) {
    throw new NodeBinaryError(`demo: ${path} --version printed ${JSON.stringify(version)}`)
  }
  return { path, version, major }
}
