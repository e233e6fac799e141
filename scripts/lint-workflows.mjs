#!/usr/bin/env node
// Lints .github/workflows/*.yml, the only check the Windows and macOS jobs get before they run:
// each file against GitHub's workflow schema with action-validator (@action-validator/cli, a
// WebAssembly build of mpalmer/action-validator), and every third-party action pinned to a full
// commit SHA with its tag in a comment (`uses: owner/repo@<40 hex> # v1.2.3`).
import { spawnSync } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const dir = join(root, '.github', 'workflows')
const require = createRequire(import.meta.url)
const validator = join(dirname(require.resolve('@action-validator/cli/package.json')), 'cli.mjs')
const PINNED = /^\s*-?\s*uses:\s*[\w.-]+\/[\w./-]+@[0-9a-f]{40} # v\d+(\.\d+)*\s*$/

let problems = 0
const files = readdirSync(dir).filter((name) => /\.ya?ml$/.test(name))
for (const name of files) {
  const file = join(dir, name)
  const run = spawnSync(process.execPath, [validator, file], { encoding: 'utf8' })
  if (run.status !== 0) {
    problems++
    process.stderr.write(`${name}: not a valid workflow\n${run.stdout}${run.stderr}\n`)
  }
  readFileSync(file, 'utf8')
    .split('\n')
    .forEach((line, index) => {
      if (!/^\s*-?\s*uses:/.test(line) || /uses:\s*\.\//.test(line) || PINNED.test(line)) return
      problems++
      process.stderr.write(
        `${name}:${index + 1}: pin the action to a full commit SHA with its tag in a comment, ` +
          `e.g. 'uses: actions/checkout@<40-hex sha> # v4.2.2': ${line.trim()}\n`,
      )
    })
}
process.stdout.write(`workflows: ${files.length} checked, ${problems} problem(s)\n`)
process.exitCode = problems === 0 ? 0 : 1
