import { isOwnFrame } from '../frames.js'
import type { StackFrame } from './types.js'

const RUNNER_FRAME =
  /[\\/]node_modules[\\/](?:\.pnpm[\\/][^\\/]+[\\/]node_modules[\\/])?(?:vitest|@vitest[\\/][^\\/]+|tinypool|vite-node|vite|tinyspy|birpc)[\\/]/

/**
 * The runner's own handles (test timeouts, worker RPC, module loading): the first frame that is
 * not Node's or this package's is inside Vitest, tinypool or Vite.
 */
export function createdByRunner(frames: readonly StackFrame[]): boolean {
  for (const frame of frames) {
    if (frame.file.startsWith('node:') || isOwnFrame(frame)) continue
    return RUNNER_FRAME.test(frame.file)
  }
  return false
}
