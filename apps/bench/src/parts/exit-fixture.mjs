/**
 * A real program for part 3: a few requests with `peer`, then "done" on stdout (a pipe: written
 * synchronously on POSIX), then a natural end or `process.exit()`; "exit-event" when the
 * process 'exit' event has run every listener (what follows is Node's native teardown).
 *
 * Usage: `node exit-fixture.mjs <peer> <natural|exit> <origin> <client entry URL>`, peer one of
 * `@foo/client`, `@foo/client preferFastExit()`, `undici.request`, `fetch`, `bare node` (node:http,
 * no WebAssembly parser: the floor).
 *
 * @module
 */
import { writeSync } from 'node:fs'

const [peer, ending, origin, clientEntry] = process.argv.slice(2)
const url = `${origin}/users`

if (peer === '@foo/client' || peer === '@foo/client preferFastExit()') {
  const { Client, preferFastExit } = /** @type {typeof import('@foo/client')} */ (
    await import(String(clientEntry))
  )
  if (peer !== '@foo/client') preferFastExit()
  const client = new Client({ baseUrl: String(origin) })
  for (let i = 0; i < 3; i++) await client.get('/users')
} else if (peer === 'bare node') {
  const http = await import('node:http')
  const agent = new http.Agent({ keepAlive: true })
  for (let i = 0; i < 3; i++) {
    await new Promise((resolve, reject) => {
      http
        .get(url, { agent }, (res) => {
          const chunks = /** @type {Buffer[]} */ ([])
          res.on('data', (chunk) => chunks.push(chunk))
          res.on('end', () => resolve(JSON.parse(Buffer.concat(chunks).toString('utf8'))))
        })
        .on('error', reject)
    })
  }
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
