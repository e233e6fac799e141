// The runner's own handles: created from Vitest, tinypool or Vite internals (test timeouts,
// worker RPC, module loading), never by the code under test.
const RUNNER_FRAME =
  /[\\/]node_modules[\\/](?:\.pnpm[\\/][^\\/]+[\\/]node_modules[\\/])?(?:vitest|@vitest[\\/][^\\/]+|tinypool|vite-node|vite|tinyspy|birpc)[\\/]/
const OWN_FRAME = /[\\/](?:@foo[\\/]leakcheck|packages[\\/]leakcheck)[\\/](?:dist|src)[\\/]/

/** The first frame outside Node internals and this package decides who created a handle. */
export function createdByRunner(stack: string): boolean {
  for (const line of stack.split('\n')) {
    const frame = line.trim()
    if (!frame.startsWith('at ')) continue
    if (frame.includes('node:') || OWN_FRAME.test(frame)) continue
    return RUNNER_FRAME.test(frame)
  }
  return false
}
