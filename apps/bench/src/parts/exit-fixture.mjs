/**
 * A real program for part 3: a few requests with `peer`, then "done" on stdout (a pipe: written
 * synchronously on POSIX), then a natural end or `process.exit()`; "exit-event" when the
 * process 'exit' event has run every listener (what follows is Node's native teardown).
 *
 * Usage: `node exit-fixture.mjs <@foo/client|undici.request|fetch> <natural|exit> <origin> <client entry URL>`
 *
 * @module
 */
import { writeSync } from 'node:fs'

const [peer, ending, origin, clientEntry] = process.argv.slice(2)
const url = `${origin}/users`

if (peer === '@foo/client') {
  const { Client } = /** @type {typeof import('@foo/client')} */ (await import(String(clientEntry)))
  const client = new Client({ baseUrl: String(origin) })
  for (let i = 0; i < 3; i++) await client.get('/users')
} else if (peer === 'undici.request') {
  const { Agent, request } = await import('undici')
  const dispatcher = new Agent()
  for (let i = 0; i < 3; i++) await (await request(url, { dispatcher })).body.json()
} else if (peer === 'fetch') {
  for (let i = 0; i < 3; i++) await (await fetch(url)).json()
} else {
  throw new Error(`unknown peer ${peer}`)
}
process.stdout.write('done\n')
// Registered last, so it runs after every library's own 'exit' listener.
process.on('exit', () => writeSync(1, 'exit-event\n'))
if (ending === 'exit') process.exit(0)
