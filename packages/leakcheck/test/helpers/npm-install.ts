import { execFileSync } from 'node:child_process'
import { mkdirSync } from 'node:fs'

// pnpm's own npm_config_* settings make npm warn about unknown configs: npm gets a clean env.
function npmEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !key.toLowerCase().startsWith('npm_config_')),
  )
}

/**
 * Installs `specs` from the npm registry into `prefix` (a git-ignored folder under `.cache`),
 * with no lockfile and no install scripts, as the tests that need a package the workspace does
 * not pin do (Vitest 5, old TypeScript versions). Throws with npm's output on failure.
 *
 * @example
 * ```ts
 * npmInstall(path.join(repoDir, '.cache', 'typescript', '5.8.3'), ['typescript@5.8.3'])
 * ```
 */
export function npmInstall(prefix: string, specs: readonly string[]): void {
  mkdirSync(prefix, { recursive: true })
  // Windows runs npm.cmd through a shell, which splits unquoted paths at spaces.
  const windows = process.platform === 'win32'
  execFileSync(
    windows ? 'npm.cmd' : 'npm',
    [
      'install',
      '--prefix',
      windows ? `"${prefix}"` : prefix,
      '--no-save',
      '--no-package-lock',
      '--ignore-scripts',
      '--no-audit',
      '--no-fund',
      '--loglevel=error',
      ...specs,
    ],
    { stdio: ['ignore', 'inherit', 'inherit'], shell: windows, env: npmEnv() },
  )
}
