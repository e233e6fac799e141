import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { runNode } from './run-node.js'

/** packages/leakcheck */
export const PACKAGE_DIR: string = fileURLToPath(new URL('../..', import.meta.url))
/** test/fixtures/vitest */
export const FIXTURES_DIR: string = path.join(PACKAGE_DIR, 'test', 'fixtures', 'vitest')

/** One assertion result of Vitest's JSON reporter. */
export interface JsonAssertion {
  title: string
  fullName: string
  status: 'passed' | 'failed' | 'skipped' | 'pending' | 'todo'
  failureMessages: string[]
}

/** One file of Vitest's JSON reporter. */
export interface JsonFile {
  name: string
  status: 'passed' | 'failed'
  /** File-level error (afterAll/aroundAll failure), empty when none. */
  message: string
  assertionResults: JsonAssertion[]
}

/** What a `vitest run` subprocess did. */
export interface VitestRun {
  code: number | null
  stdout: string
  stderr: string
  /** Files from the JSON reporter, keyed by base name (`tcp.spec.ts`). */
  files: Map<string, JsonFile>
  durationMs: number
}

export interface RunVitestOptions {
  /** Node binary (default: this one). */
  node?: string
  /** `vitest.mjs` to run (default: the copy `@foo/leakcheck` resolves as its peer). */
  vitestBin?: string
  /** Project root (default: the fixture directory). */
  root?: string
  args?: string[]
  /** Extra environment variables for the run. */
  env?: Record<string, string>
  timeoutMs?: number
}

/** The Vitest this package's setup file imports: the fixture must run that same copy. */
export function defaultVitestBin(): string {
  const require = createRequire(path.join(PACKAGE_DIR, 'package.json'))
  return path.join(path.dirname(require.resolve('vitest/package.json')), 'vitest.mjs')
}

/**
 * Runs `vitest run` on a fixture project as a real subprocess, with the default and JSON
 * reporters, and resolves (never rejects on a non-zero exit) with what it printed. Fixture
 * configs import `@foo/leakcheck` by name: inside this package that resolves to the BUILT
 * package through Node's self-reference (`exports` of packages/leakcheck/package.json).
 *
 * @example
 * ```ts
 * const run = await runVitest('kinds')
 * expect(run.code).toBe(1)
 * ```
 */
export async function runVitest(
  fixture: string,
  options: RunVitestOptions = {},
): Promise<VitestRun> {
  const root = options.root ?? path.join(FIXTURES_DIR, fixture)
  const out = mkdtempSync(path.join(tmpdir(), 'leakcheck-run-'))
  const jsonFile = path.join(out, 'report.json')
  const env: NodeJS.ProcessEnv = {}
  // The parent is itself a Vitest worker: drop its variables so the child starts clean.
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.startsWith('VITEST') && key !== 'NODE_OPTIONS' && key !== 'TEST') env[key] = value
  }
  Object.assign(env, options.env)
  env.NO_COLOR = '1'
  env.FORCE_COLOR = '0'
  env.CI = '1'
  const args = [
    options.vitestBin ?? defaultVitestBin(),
    'run',
    '--root',
    root,
    '--reporter=default',
    '--reporter=json',
    `--outputFile.json=${jsonFile}`,
    ...(options.args ?? []),
  ]
  const {
    code,
    stdout,
    stderr,
    ms: durationMs,
  } = await runNode(args, {
    cwd: root,
    env,
    ...(options.node === undefined ? {} : { node: options.node }),
    timeoutMs: options.timeoutMs ?? 120_000,
  })
  const files = new Map<string, JsonFile>()
  try {
    const report = JSON.parse(readFileSync(jsonFile, 'utf8')) as { testResults: JsonFile[] }
    for (const file of report.testResults) files.set(path.basename(file.name), file)
  } catch (error) {
    throw new Error(
      `vitest run on ${root} wrote no JSON report (exit ${code}).\nstdout:\n${stdout}\nstderr:\n${stderr}`,
      { cause: error },
    )
  } finally {
    rmSync(out, { recursive: true, force: true })
  }
  return { code, stdout, stderr, files, durationMs }
}

/** The JSON entry of one test, by file base name and test title; throws with context if absent. */
export function testResult(run: VitestRun, file: string, title: string): JsonAssertion {
  const entry = run.files.get(file)
  const test = entry?.assertionResults.find((t) => t.title === title || t.fullName === title)
  if (!test) {
    throw new Error(
      `No result for "${title}" in ${file}. Files: ${[...run.files.keys()].join(', ')}\n` +
        `stdout:\n${run.stdout}\nstderr:\n${run.stderr}`,
    )
  }
  return test
}

/** The file-level error message of one file ('' when the file had none). */
export function fileMessage(run: VitestRun, file: string): string {
  const entry = run.files.get(file)
  if (!entry) throw new Error(`No file ${file} in the report: ${[...run.files.keys()].join(', ')}`)
  return entry.message
}
