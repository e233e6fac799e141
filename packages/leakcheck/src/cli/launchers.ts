import { realpathSync } from 'node:fs'

// Node programs that only start another program and exit with its code: the program leakcheck
// checks is the one they start. Matched on the real path of the main script (bins are symlinks
// or shell shims), so a file of the same name in the user's project is not a launcher.
const LAUNCHERS: readonly RegExp[] = [
  /\/npm\/bin\/np[mx]-cli\.js$/, // npm, npx, npm exec
  /\/corepack\/dist\/[^/]+\.js$/, // corepack's pnpm/yarn/npm shims (they run the manager in-process)
  /\/pnpm\/bin\/pnpm\.cjs$/, // pnpm installed with npm
  /\/tsx\/dist\/cli\.mjs$/, // tsx runs the script in a child node with its loader
]

/**
 * `true` when `mainScript` (a Node process's `process.argv[1]`) is a launcher leakcheck looks
 * through (npm, npx, pnpm, corepack, tsx's CLI): it does not report, the program it starts does.
 *
 * @example
 * ```ts
 * isLauncher('/usr/lib/node_modules/npm/bin/npm-cli.js') // true
 * isLauncher('/srv/app/server.js') // false
 * ```
 */
export function isLauncher(mainScript: string | undefined): boolean {
  if (mainScript === undefined || mainScript === '') return false
  let real = mainScript
  try {
    real = realpathSync(mainScript)
  } catch {
    // Not a file (node -e, a REPL): match the path as given.
  }
  const normalized = real.split('\\').join('/')
  return LAUNCHERS.some((pattern) => pattern.test(normalized))
}

// Code that launchers run inside the program's own process: tsx's loader (its IPC pipe to the
// tsx CLI, the loader thread Node starts for its module.register() hooks) and the esbuild
// service it transforms with (a worker thread).
const IN_PROCESS_LAUNCHER = /[\\/]node_modules[\\/](?:tsx|esbuild)[\\/]/
// Frames that belong to nobody in particular: Node's own, V8's, and this package's tracker.
const NEUTRAL =
  /^(?:node:|<anonymous>|native)|[\\/](?:@foo[\\/]leakcheck|packages[\\/]leakcheck)[\\/](?:dist|src)[\\/]/

/** The file of each `at ...` line of a V8 stack. */
function stackFiles(stack: string): string[] {
  const files: string[] = []
  for (const line of stack.split('\n')) {
    const match = /^\s*at (?:.*? \()?(?:async )?(.+?)(?::\d+:\d+)?\)?$/.exec(line)
    if (match?.[1] !== undefined) files.push(match[1].replace(/^file:\/\//, ''))
  }
  return files
}

/**
 * `true` for a handle a launcher opened inside the program's process before the program ran
 * (tsx's loader): every frame of its creation stack is Node's, this package's or the launcher's,
 * none the program's. A handle the program opened through a library has the program's frames.
 *
 * @example
 * ```ts
 * tracker.open().filter((leak) => !openedByLauncher(leak.stack))
 * ```
 */
export function openedByLauncher(stack: string): boolean {
  let launcher = false
  for (const file of stackFiles(stack)) {
    if (NEUTRAL.test(file)) continue
    if (!IN_PROCESS_LAUNCHER.test(file)) return false
    launcher = true
  }
  return launcher
}
