import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { fixture, runCli } from './run.js'

// Found in review: the preload reported only when its parent pid was the CLI's, so a `node` that
// is a version manager's shim (it runs the real node as its child) made every leak pass silently.
const dir = mkdtempSync(path.join(tmpdir(), 'leakcheck-shim-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('leakcheck -- node app.js where node is a shim that spawns the real node', () => {
  it.skipIf(process.platform === 'win32')(
    'still reports the leak and exits 7 (a POSIX sh shim stands in for volta and the like)',
    async () => {
      // Not `exec`: the real node runs as the shim's child, as volta's shim runs it.
      writeFileSync(
        path.join(dir, 'node'),
        `#!/bin/sh\n${JSON.stringify(process.execPath)} "$@"\nexit $?\n`,
      )
      chmodSync(path.join(dir, 'node'), 0o755)
      const run = await runCli(['--', ...fixture('server-left-open.mjs')], {
        PATH: `${dir}${path.delimiter}${process.env.PATH ?? ''}`,
      })
      expect(run.stderr).toMatch(/TCP server listening on 127\.0\.0\.1:\d+ \(active\)/)
      expect(run.code).toBe(7)
    },
  )
})
