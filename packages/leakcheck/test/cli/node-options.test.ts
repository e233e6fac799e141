import { pathToFileURL } from 'node:url'
import { describe, expect, it } from 'vitest'
import { withPreload } from '../../src/cli/node-options.js'
import { runNode } from '../helpers/run-node.js'
import { packageDir } from './run.js'

describe('withPreload', () => {
  const url = 'file:///app/dist/register.js'

  it("adds --import=<file URL> after the user's own options", () => {
    expect(withPreload(undefined, url)).toBe(`--import=${url}`)
    expect(withPreload('  ', url)).toBe(`--import=${url}`)
    expect(withPreload('--max-old-space-size=100 --no-warnings', url)).toBe(
      `--max-old-space-size=100 --no-warnings --import=${url}`,
    )
  })

  it('a path with spaces needs no quoting: its file URL has none', async () => {
    const href = pathToFileURL('/tmp/dir with space/register.js').href
    expect(href).not.toContain(' ')
    // Node accepts it in NODE_OPTIONS (and fails only because the file does not exist).
    const run = await runNode(['-e', ''], {
      cwd: packageDir,
      env: { ...process.env, NODE_OPTIONS: withPreload(undefined, href) },
    })
    expect(run.stderr).toContain('ERR_MODULE_NOT_FOUND')
    expect(run.stderr).toContain('/tmp/dir with space/register.js')
  })
})
