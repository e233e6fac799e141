import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { isLauncher, openedByLauncher } from '../../src/cli/launchers.js'

const dir = mkdtempSync(path.join(tmpdir(), 'leakcheck-launchers-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('isLauncher', () => {
  it.each([
    '/usr/lib/node_modules/npm/bin/npm-cli.js',
    '/usr/lib/node_modules/npm/bin/npx-cli.js',
    '/usr/lib/node_modules/corepack/dist/pnpm.js',
    '/usr/lib/node_modules/pnpm/bin/pnpm.cjs',
    '/app/node_modules/.pnpm/tsx@4.23.15/node_modules/tsx/dist/cli.mjs',
    'C:\\Program Files\\nodejs\\node_modules\\npm\\bin\\npm-cli.js',
  ])('%s is looked through', (main) => {
    expect(isLauncher(main)).toBe(true)
  })

  it.each([undefined, '', '/srv/app/server.js', '/srv/app/tsx/cli.mjs', '/srv/npm/bin/start.js'])(
    '%j is a program',
    (main) => {
      expect(isLauncher(main)).toBe(false)
    },
  )

  it.skipIf(process.platform === 'win32')('follows a bin symlink to the real file', () => {
    const real = path.join(dir, 'node_modules', 'tsx', 'dist')
    mkdirSync(real, { recursive: true })
    writeFileSync(path.join(real, 'cli.mjs'), '')
    mkdirSync(path.join(dir, 'node_modules', '.bin'))
    const bin = path.join(dir, 'node_modules', '.bin', 'tsx')
    symlinkSync(path.join(real, 'cli.mjs'), bin)
    expect(isLauncher(bin)).toBe(true)
  })
})

describe('openedByLauncher', () => {
  const tsx = '/app/node_modules/.pnpm/tsx@4.23.15/node_modules/tsx/dist/require-x.mjs'
  const own = '/app/node_modules/@foo/leakcheck/dist/tracker-x.js'

  it("a handle tsx's loader opened before the program ran", () => {
    const stack = [
      'Error',
      `    at HandleRecords.add (${own}:603:10)`,
      '    at Object.connect (node:net:234:28)',
      `    at connectToServer (file://${tsx}:8:245)`,
      '    at new Promise (<anonymous>)',
      '    at async ModuleLoader.import (node:internal/modules/esm/loader:606:24)',
    ].join('\n')
    expect(openedByLauncher(stack)).toBe(true)
  })

  it("a handle with one of the program's frames is the program's", () => {
    const stack = [
      'Error',
      `    at HandleRecords.add (${own}:603:10)`,
      '    at Server.listen (node:net:2016:32)',
      '    at /srv/app/server.ts:5:8',
      `    at run (${tsx}:1:1)`,
    ].join('\n')
    expect(openedByLauncher(stack)).toBe(false)
  })

  it("a stack of Node frames only is nobody's launcher", () => {
    expect(openedByLauncher('Error\n    at Object.connect (node:net:234:28)')).toBe(false)
  })
})
