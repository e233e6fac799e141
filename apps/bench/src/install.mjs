/**
 * Installs copies of the packages under test (package.json + dist, dependencies linked) the way
 * an npm install lays them out. `run.mjs` snapshots the workspace builds at the start, so that
 * another rebuild of `packages/*` during a run (tests elsewhere in the repo rebuild them) cannot
 * break or change it, and every part measures the same build.
 *
 * @module
 */
import { createHash } from 'node:crypto'
import {
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  symlinkSync,
} from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

/** Where `run.mjs` puts the snapshot: `<dir>/node_modules/@foo/<name>`. */
export const SNAPSHOT_DIR = fileURLToPath(new URL('../.cache/snapshot/', import.meta.url))

const WORKSPACE_PACKAGES = fileURLToPath(new URL('../../../packages/', import.meta.url))

/**
 * The directory of `@foo/<name>`: the snapshot when there is one, else the workspace package.
 *
 * @example
 * packageDir('client') // '.../apps/bench/.cache/snapshot/node_modules/@foo/client'
 * @param {'client' | 'leakcheck'} name
 */
export function packageDir(name) {
  const snapshot = join(SNAPSHOT_DIR, 'node_modules', '@foo', name)
  return existsSync(join(snapshot, 'package.json')) ? snapshot : join(WORKSPACE_PACKAGES, name)
}

/**
 * Copies `@foo/<name>` into `<dir>/node_modules/@foo/<name>`, with its dependencies linked into
 * its own node_modules, from the workspace build (`from: 'workspace'`, to take the snapshot) or
 * from {@link packageDir}. Returns a digest of the copied JavaScript.
 *
 * @example
 * installCopy('leakcheck', '/tmp/suite')
 * @param {'client' | 'leakcheck'} name
 * @param {string} dir
 * @param {{ from?: 'workspace' | 'snapshot' }} [options]
 * @returns {string}
 */
export function installCopy(name, dir, options = {}) {
  const source = options.from === 'workspace' ? join(WORKSPACE_PACKAGES, name) : packageDir(name)
  const target = join(dir, 'node_modules', '@foo', name)
  if (realpathSync(source) === (existsSync(target) ? realpathSync(target) : ''))
    return digest(target)
  rmSync(target, { recursive: true, force: true })
  mkdirSync(target, { recursive: true })
  cpSync(join(source, 'package.json'), join(target, 'package.json'))
  cpSync(join(source, 'dist'), join(target, 'dist'), { recursive: true })
  const manifest = JSON.parse(readFileSync(join(source, 'package.json'), 'utf8'))
  for (const dependency of Object.keys(manifest.dependencies ?? {})) {
    // pnpm (and this function) link every dependency into the package's own node_modules.
    const resolved = realpathSync(join(source, 'node_modules', dependency))
    const link = join(target, 'node_modules', dependency)
    mkdirSync(join(link, '..'), { recursive: true })
    symlinkSync(resolved, link, 'junction')
  }
  return digest(target)
}

/** @param {string} dir */
function digest(dir) {
  const hash = createHash('sha256')
  const dist = join(dir, 'dist')
  for (const file of readdirSync(dist).sort()) {
    if (file.endsWith('.js')) hash.update(file).update(readFileSync(join(dist, file)))
  }
  return hash.digest('hex').slice(0, 12)
}
