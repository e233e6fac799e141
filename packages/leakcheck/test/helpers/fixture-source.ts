import { readFileSync } from 'node:fs'
import path from 'node:path'
import { FIXTURES_DIR } from './run-vitest.js'

/**
 * `file:line` of the first line of a fixture file containing `snippet`, as a report prints it
 * (the line that opened the handle), so tests never hard-code line numbers.
 *
 * @example
 * ```ts
 * expect(message).toContain(lineOf('kinds/tcp.spec.ts', 'net.connect(server.port'))
 * ```
 */
export function lineOf(fixtureFile: string, snippet: string): string {
  const lines = readFileSync(path.join(FIXTURES_DIR, fixtureFile), 'utf8').split('\n')
  const index = lines.findIndex((line) => line.includes(snippet))
  if (index === -1) throw new Error(`${snippet} not found in ${fixtureFile}`)
  return `${path.basename(fixtureFile)}:${index + 1}`
}
