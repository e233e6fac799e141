import type { Plugin } from 'vitest/config'

/** Options for {@link leakcheck}. */
export interface LeakcheckOptions {
  /** `'fail'` (default) fails the test; `'warn'` only reports. */
  mode?: 'fail' | 'warn'
}

/**
 * The Vitest plugin.
 *
 * @example
 * ```ts
 * export default defineConfig({ plugins: [leakcheck()] })
 * ```
 */
export function leakcheck(options: LeakcheckOptions = {}): Plugin {
  return { name: 'foo:leakcheck', api: { options } }
}
