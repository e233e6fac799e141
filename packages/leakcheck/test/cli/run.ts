import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { type NodeRun, runNode } from '../helpers/run-node.js'

const here = path.dirname(fileURLToPath(import.meta.url))
export const packageDir: string = path.resolve(here, '..', '..')
export const fixturesDir: string = path.join(packageDir, 'test', 'fixtures', 'cli')
const bin = path.join(packageDir, 'bin', 'leakcheck.js')

/** What a `leakcheck` run printed and how it ended. */
export type CliRun = NodeRun

/**
 * Runs the built `leakcheck` CLI (bin shim -> dist/cli.js) as a real child process, in the
 * package directory unless `cwd` is given.
 */
export function runCli(
  args: string[],
  env: NodeJS.ProcessEnv = {},
  cwd: string = packageDir,
): Promise<CliRun> {
  return runNode([bin, ...args], { cwd, env: { ...process.env, ...env } })
}

/** `node <fixture>` arguments for a program in test/fixtures/cli. */
export function fixture(name: string, ...args: string[]): string[] {
  return ['node', path.join('test', 'fixtures', 'cli', name), ...args]
}

/** The verdict: the last line leakcheck printed on stderr. */
export function lastLine(text: string): string {
  return text.trimEnd().split('\n').at(-1) ?? ''
}
