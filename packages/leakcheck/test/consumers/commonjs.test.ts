import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Consumer, createConsumer, repoDir } from '../helpers/consumer.js'
import { npmInstall } from '../helpers/npm-install.js'
import { readme } from '../helpers/readme.js'
import { REQUIRE_ROWS, renderMatrix, TYPESCRIPT_ROWS, TYPESCRIPT_VERSIONS } from './matrix.js'

// Found by a newcomer: both READMEs said "ESM only", yet require() works on Node 20.19+ and some
// TypeScript CommonJS setups compile while others fail. The READMEs now publish the measured
// matrix (matrix.ts); these tests measure each row again and compare the READMEs with it.

let consumer: Consumer
beforeAll(() => {
  consumer = createConsumer('commonjs')
})
afterAll(() => consumer.remove())

const MARKERS = ['<!-- commonjs-matrix:start -->\n', '\n<!-- commonjs-matrix:end -->']

describe.each(['client', 'leakcheck'] as const)('@foo/%s README', (pkg) => {
  it('publishes the measured CommonJS/TypeScript matrix, and no longer says "ESM only"', () => {
    const text = readme(pkg)
    const start = text.indexOf(MARKERS[0] as string)
    const end = text.indexOf(MARKERS[1] as string)
    expect(start, 'matrix markers').toBeGreaterThanOrEqual(0)
    expect(text.slice(start + (MARKERS[0] as string).length, end)).toBe(renderMatrix(pkg))
    expect(text).not.toMatch(/ESM only/i)
  })
})

describe(`require() from CommonJS on Node ${process.versions.node}`, () => {
  const rows = [...REQUIRE_ROWS.client, ...REQUIRE_ROWS.leakcheck]
  it.each(rows)('require($spec)', ({ spec, error }) => {
    const run = spawnSync(process.execPath, ['-e', `require(${JSON.stringify(spec)})`], {
      cwd: consumer.dir,
      encoding: 'utf8',
    })
    if (error === undefined) {
      expect(run.stderr).toBe('')
      expect(run.status).toBe(0)
    } else {
      expect(run.stderr).toContain(error)
      expect(run.status).not.toBe(0)
    }
  })

  it('import() from ESM', () => {
    const run = spawnSync(
      process.execPath,
      ['--input-type=module', '-e', "await import('@foo/client'); await import('@foo/leakcheck')"],
      { cwd: consumer.dir, encoding: 'utf8' },
    )
    expect(run.stderr).toBe('')
    expect(run.status).toBe(0)
  })
})

/** The tsc of an exact TypeScript version: the workspace's, or installed once into .cache/. */
function tscOf(version: string): string {
  const workspace = path.join(repoDir, 'node_modules', 'typescript')
  const own = spawnSync(process.execPath, [path.join(workspace, 'bin', 'tsc'), '-v'], {
    encoding: 'utf8',
  })
  if (own.stdout.trim() === `Version ${version}`) return path.join(workspace, 'bin', 'tsc')
  const prefix = path.join(repoDir, '.cache', 'typescript', version)
  const tsc = path.join(prefix, 'node_modules', 'typescript', 'bin', 'tsc')
  if (!existsSync(tsc)) npmInstall(prefix, [`typescript@${version}`])
  return tsc
}

const SOURCE = `import { Client } from '@foo/client'
import { track } from '@foo/leakcheck'

class Api extends Client {}
const probe = track()
console.log(typeof Api, typeof probe.leaks)
probe.stop()
`

const cases = TYPESCRIPT_ROWS.flatMap((row) =>
  row.versions.map((minor) => ({ ...row, version: TYPESCRIPT_VERSIONS[minor] as string })),
)

describe('TypeScript CommonJS projects importing both packages', () => {
  it.each(cases)(
    'TypeScript $version, module $module $moduleResolution: $note',
    ({ version, module, moduleResolution, error }) => {
      const name = `ts-${version}-${module}-${moduleResolution ?? ''}`
      consumer.write(`${name}/src/index.ts`, SOURCE)
      const compilerOptions: Record<string, unknown> = {
        module,
        target: 'es2022',
        strict: true,
        rootDir: 'src',
        outDir: 'out',
        skipLibCheck: true,
        types: ['node'],
      }
      if (moduleResolution !== undefined) compilerOptions.moduleResolution = moduleResolution
      const config = consumer.write(
        `${name}/tsconfig.json`,
        JSON.stringify({ compilerOptions, include: ['src'] }),
      )
      const tsc = spawnSync(process.execPath, [tscOf(version), '-p', config, '--pretty', 'false'], {
        encoding: 'utf8',
      })
      if (error !== undefined) {
        expect(tsc.stdout).toMatch(new RegExp(`error ${error}:`))
        expect(tsc.status).not.toBe(0)
        return
      }
      expect(tsc.stdout).toBe('')
      expect(tsc.status).toBe(0)
      const run = spawnSync(process.execPath, [path.join(consumer.dir, name, 'out', 'index.js')], {
        cwd: consumer.dir,
        encoding: 'utf8',
      })
      expect(run.stdout).toBe('function function\n')
      expect(run.status).toBe(0)
    },
    120_000,
  )
})
