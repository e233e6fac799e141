import { spawn } from 'node:child_process'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const here = path.dirname(fileURLToPath(import.meta.url))
export const packageDir: string = path.resolve(here, '..', '..')
const bin = path.join(packageDir, 'bin', 'leakcheck.js')

/** What a `leakcheck` run printed and how it ended. */
export interface CliRun {
  code: number | null
  stdout: string
  stderr: string
  ms: number
}

/** Runs the built `leakcheck` CLI (bin shim -> dist/cli.js) as a real child process. */
export function runCli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliRun> {
  const started = performance.now()
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], {
      cwd: packageDir,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk
    })
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk
    })
    child.once('error', reject)
    child.once('close', (code) =>
      resolve({ code, stdout, stderr, ms: performance.now() - started }),
    )
  })
}

/** `node <fixture>` arguments for a program in test/fixtures/cli. */
export function fixture(name: string, ...args: string[]): string[] {
  return ['node', path.join('test', 'fixtures', 'cli', name), ...args]
}
