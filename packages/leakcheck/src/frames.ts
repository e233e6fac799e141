import { existsSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { StackFrame } from './tracker/types.js'

const MODULES = String.raw`[\\/]node_modules[\\/](?:\.pnpm[\\/][^\\/]+[\\/]node_modules[\\/])?`
// The test runner: its frames never say who opened a handle. (Not Vite: a test may start a Vite
// server itself, and then Vite's frames are the library the test called.)
const RUNNER = new RegExp(
  `${MODULES}(?:vitest|@vitest[\\\\/][^\\\\/]+|tinypool|vite-node|tinyspy|birpc)[\\\\/]`,
)
// This package, and @foo/client's internals (its "created at" frames point at the user's call).
const OWN = [
  /[\\/](?:@foo[\\/]leakcheck|packages[\\/]leakcheck)[\\/](?:dist|src)[\\/](?!.*\.test\.)/,
  /[\\/](?:node_modules[\\/]@foo[\\/]client|packages[\\/]client)[\\/](?:dist|src)[\\/]/,
]
// Libraries whose internals open sockets for the caller: their frames are noise in a report.
const TRANSPORT = new RegExp(`${MODULES}undici[\\\\/]`)
const NODE_MODULES = /[\\/]node_modules[\\/]/
const MAX_FRAMES = 8

/** Parses one stack line; `undefined` for lines that are not file frames. */
export function parseFrame(line: string): StackFrame | undefined {
  const match = /^\s*at (?:(.*?) \()?(.+?):(\d+):(\d+)\)?$/.exec(line)
  if (match === null) return undefined
  const [, fn, location, lineText, columnText] = match
  if (location === undefined) return undefined
  let file = location.startsWith('async ') ? location.slice(6) : location
  if (file.startsWith('file://')) {
    try {
      file = fileURLToPath(file)
    } catch {
      return undefined
    }
  }
  const frame: StackFrame = { file, line: Number(lineText), column: Number(columnText) }
  if (fn !== undefined && fn !== '') frame.fn = fn
  return frame
}

/** Every file frame of a V8 stack, in order. */
export function parseStack(stack: string): StackFrame[] {
  const frames: StackFrame[] = []
  for (const line of stack.split('\n')) {
    const frame = parseFrame(line)
    if (frame !== undefined) frames.push(frame)
  }
  return frames
}

/** Node's own, the runner's, undici's, this package's and @foo/client's frames. */
export function isNoise(frame: StackFrame): boolean {
  const file = frame.file
  return (
    file.startsWith('node:') ||
    RUNNER.test(file) ||
    TRANSPORT.test(file) ||
    OWN.some((pattern) => pattern.test(file))
  )
}

/** The frames worth listing in a report (at most 8): what is left without the noise. */
export function userFrames(frames: readonly StackFrame[]): StackFrame[] {
  return frames.filter((frame) => !isNoise(frame)).slice(0, MAX_FRAMES)
}

const packageRoots = new Map<string, string | undefined>()

/** The directory of the nearest `package.json` above `file` (cached). */
export function packageRootOf(file: string): string | undefined {
  let dir = path.dirname(file)
  const seen: string[] = []
  for (;;) {
    const cached = packageRoots.get(dir)
    if (cached !== undefined || packageRoots.has(dir)) {
      for (const d of seen) packageRoots.set(d, cached)
      return cached
    }
    seen.push(dir)
    if (existsSync(path.join(dir, 'package.json'))) {
      for (const d of seen) packageRoots.set(d, dir)
      return dir
    }
    const parent = path.dirname(dir)
    if (parent === dir) {
      for (const d of seen) packageRoots.set(d, undefined)
      return undefined
    }
    dir = parent
  }
}

/**
 * The frame a user acts on, for the code frame: the test file's own line when the stack has one
 * (the outermost: the call in the test that opened the handle, where it can be kept and
 * closed); else the first frame of the
 * user's own code: outside node_modules and the runner, and inside the test's own package (not
 * another workspace package it uses); else the first frame that is not noise.
 *
 * @example
 * ```ts
 * actionableFrame(parseStack(handle.stack), '/repo/test/api.test.ts')
 * // { file: '/repo/test/api.test.ts', line: 12, column: 15 }
 * ```
 */
export function actionableFrame(
  frames: readonly StackFrame[],
  testFile?: string,
): StackFrame | undefined {
  const candidates = frames.filter((frame) => !isNoise(frame))
  if (testFile !== undefined) {
    // The outermost of the test file's own frames: the call in the test (or hook), not the
    // helper of the same file it went through.
    const own = candidates.filter((frame) => frame.file === testFile).at(-1)
    if (own !== undefined) return own
    const root = packageRootOf(testFile)
    const inPackage = candidates.find(
      (frame) =>
        !NODE_MODULES.test(frame.file) && root !== undefined && packageRootOf(frame.file) === root,
    )
    if (inPackage !== undefined) return inPackage
  }
  return candidates.find((frame) => !NODE_MODULES.test(frame.file)) ?? candidates[0]
}
