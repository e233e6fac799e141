/**
 * The `NODE_OPTIONS` for the command: the user's own options, then the register preload, so every
 * Node process the command starts (through npm, npx, pnpm, a shell script...) loads it. A file URL
 * has no spaces (they are %20), so it needs no quoting in `NODE_OPTIONS`.
 *
 * @example
 * ```ts
 * withPreload('--max-old-space-size=4096', 'file:///app/node_modules/@foo/leakcheck/dist/register.js')
 * // '--max-old-space-size=4096 --import=file:///app/node_modules/@foo/leakcheck/dist/register.js'
 * ```
 */
export function withPreload(nodeOptions: string | undefined, preloadUrl: string): string {
  const own = (nodeOptions ?? '').trim()
  const preload = `--import=${preloadUrl}`
  return own === '' ? preload : `${own} ${preload}`
}
