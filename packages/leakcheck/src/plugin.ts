import { fileURLToPath } from 'node:url'
import type { Plugin } from 'vitest/config'
import {
  type LeakcheckOptions,
  PROVIDE_KEY,
  type ResolvedOptions,
  resolveOptions,
} from './options.js'
import { createSummaryReporter } from './summary.js'

/** Absolute path of the built setup file (`dist/setup.js`), beside this module once bundled. */
const SETUP_FILE = fileURLToPath(new URL('./setup.js', import.meta.url))
const SETUP_SPECIFIER = '@foo/leakcheck/setup'

/** The `test` block of a root or inline project config, as far as this plugin touches it. */
interface TestBlock {
  setupFiles?: string | string[]
  provide?: Record<string, unknown>
  projects?: unknown
}

function withSetupFile(setupFiles: string | string[] | undefined): string[] {
  const list = setupFiles === undefined ? [] : Array.isArray(setupFiles) ? setupFiles : [setupFiles]
  const present = list.some((file) => file === SETUP_FILE || file === SETUP_SPECIFIER)
  return present ? list : [...list, SETUP_FILE]
}

function install(test: TestBlock, options: ResolvedOptions): void {
  test.setupFiles = withSetupFile(test.setupFiles)
  test.provide = { ...test.provide, [PROVIDE_KEY]: options }
}

/**
 * The Vitest plugin: checks every test, in every project and pool, for sockets, servers, child
 * processes, workers, watchers and timers left open, and fails the test that opened them.
 *
 * It adds the setup file `@foo/leakcheck/setup` to the root config and to every inline project
 * (once), passes the options to the workers with `test.provide`, and prints a summary at the end
 * of the run. Projects defined in their own config file need `plugins: [leakcheck()]` there too.
 *
 * @throws {LeakcheckError} `LEAKCHECK_INVALID_OPTION` when an option is invalid.
 * @example
 * ```ts
 * // vitest.config.ts
 * import { defineConfig } from 'vitest/config'
 * import { leakcheck } from '@foo/leakcheck'
 * export default defineConfig({ plugins: [leakcheck({ allow: [{ host: 'localhost', port: 6379 }] })] })
 * ```
 */
export function leakcheck(options?: LeakcheckOptions): Plugin {
  // Validate at the door: a typo fails when the config loads, not in a worker.
  const resolved = resolveOptions(options)
  const summary = createSummaryReporter()
  return {
    name: 'foo:leakcheck',
    config(config) {
      config.test ??= {}
      const test = config.test as TestBlock
      install(test, resolved)
      if (Array.isArray(test.projects)) {
        for (const project of test.projects) {
          // Strings and functions are project config files/globs: they load their own plugins.
          if (typeof project !== 'object' || project === null) continue
          const inline = project as { test?: TestBlock }
          inline.test ??= {}
          install(inline.test, resolved)
        }
      }
    },
    configureVitest({ vitest }) {
      summary.attach(vitest)
    },
  }
}
