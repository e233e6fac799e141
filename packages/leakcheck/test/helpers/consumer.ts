import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const here = path.dirname(fileURLToPath(import.meta.url))
/** The monorepo root. */
export const repoDir: string = path.resolve(here, '..', '..', '..', '..')

/** A project outside the workspace that depends on the built packages, as a user's would. */
export interface Consumer {
  dir: string
  /** Writes `content` to `dir/name` (folders created). */
  write(name: string, content: string): string
  remove(): void
}

/**
 * Makes a temporary project whose `node_modules` has `@foo/client` and `@foo/leakcheck` (linked
 * to the workspace packages: their `exports` only reach `dist/`, which is what npm ships), with
 * `@types/node` and `vitest` beside them. `type` is the project's package.json `type`.
 */
export function createConsumer(type: 'module' | 'commonjs'): Consumer {
  const dir = mkdtempSync(path.join(tmpdir(), 'leakcheck-consumer-'))
  mkdirSync(path.join(dir, 'node_modules', '@foo'), { recursive: true })
  mkdirSync(path.join(dir, 'node_modules', '@types'), { recursive: true })
  const link = (target: string, name: string) =>
    symlinkSync(target, path.join(dir, 'node_modules', name), 'junction')
  link(path.join(repoDir, 'packages', 'client'), '@foo/client')
  link(path.join(repoDir, 'packages', 'leakcheck'), '@foo/leakcheck')
  link(path.join(repoDir, 'node_modules', '@types', 'node'), '@types/node')
  link(path.join(repoDir, 'node_modules', 'vitest'), 'vitest')
  const write = (name: string, content: string) => {
    const file = path.join(dir, name)
    mkdirSync(path.dirname(file), { recursive: true })
    writeFileSync(file, content)
    return file
  }
  write('package.json', JSON.stringify({ name: 'consumer', private: true, type }))
  return { dir, write, remove: () => rmSync(dir, { recursive: true, force: true }) }
}
