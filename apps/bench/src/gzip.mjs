/**
 * A gzip row (issue 11): the same ~1 KB JSON as the throughput part, served gzip-compressed by a
 * server in its own process; sequential GETs decoded and parsed by @foo/client, fetch, got and
 * axios, interleaved round by round; median requests/s and the ratio to fetch.
 * Run: `pnpm build && node apps/bench/src/gzip.mjs [--quick]` (not yet wired into run.mjs: the
 * bench is moving to a peer catalog).
 *
 * @module
 */
import { fork } from 'node:child_process'
import { once } from 'node:events'
import http from 'node:http'
import { fileURLToPath } from 'node:url'
import zlib from 'node:zlib'
import { PAYLOAD } from './server.mjs'

if (process.argv[2] === '--serve') {
  const body = zlib.gzipSync(PAYLOAD)
  const server = http.createServer((req, res) => {
    const gzip = /\bgzip\b/.test(req.headers['accept-encoding'] ?? '')
    res.writeHead(200, {
      'content-type': 'application/json',
      ...(gzip ? { 'content-encoding': 'gzip', 'content-length': body.length } : {}),
    })
    res.end(gzip ? body : PAYLOAD)
  })
  server.keepAliveTimeout = 60_000
  server.listen(0, '127.0.0.1', () => process.send?.(server.address().port))
  process.on('disconnect', () => process.exit(0))
} else {
  const quick = process.argv.includes('--quick')
  const child = fork(fileURLToPath(import.meta.url), ['--serve'])
  const [port] = await once(child, 'message')
  const origin = `http://127.0.0.1:${port}`
  const { Client } = await import('@foo/client')
  const { default: got } = await import('got')
  const { default: axios } = await import('axios')
  const client = new Client({ baseUrl: origin })
  const gotClient = got.extend({
    prefixUrl: origin,
    responseType: 'json',
    agent: { http: new http.Agent({ keepAlive: true }) },
  })
  const axiosClient = axios.create({
    baseURL: origin,
    httpAgent: new http.Agent({ keepAlive: true }),
  })
  const peers = {
    '@foo/client': () => client.get('/'),
    fetch: async () => (await fetch(`${origin}/`)).json(),
    got: () => gotClient.get('').json(),
    axios: async () => (await axiosClient.get('/')).data,
  }
  for (const get of Object.values(peers)) {
    const data = await get()
    if (data.users?.length !== 12) throw new Error('a peer did not decode the gzip body')
  }
  const rounds = quick ? 3 : 9
  const count = quick ? 200 : 500
  const rps = Object.fromEntries(Object.keys(peers).map((name) => [name, []]))
  for (let round = 0; round < rounds; round++) {
    const order = Object.keys(peers)
    if (round % 2 === 1) order.reverse()
    for (const name of order) {
      const start = performance.now()
      for (let i = 0; i < count; i++) await peers[name]()
      rps[name].push(count / ((performance.now() - start) / 1000))
    }
  }
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
  const fetchRps = median(rps.fetch)
  console.log('| peer (gzip body, sequential) | req/s (median) | vs fetch |\n| --- | ---: | ---: |')
  for (const [name, values] of Object.entries(rps)) {
    console.log(
      `| ${name} | ${Math.round(median(values))} | ${(median(values) / fetchRps).toFixed(2)}x |`,
    )
  }
  await client.close()
  child.disconnect()
  process.exit(0)
}
