/**
 * The load server: its own process, so the client under test never shares a CPU queue with it.
 * Answers every request with the same ~1 KB JSON document over keep-alive HTTP/1.1 (gzip-compressed
 * at {@link GZIP_PATH}), and reports
 * its open connection count over IPC. Started with {@link startServerProcess}.
 *
 * Run as a program: `node server.mjs [keepAliveMs]` (forked, with an IPC channel).
 *
 * @module
 */
import { fork } from 'node:child_process'
import { once } from 'node:events'
import { fileURLToPath } from 'node:url'
import { gzipSync } from 'node:zlib'

/** The path where the load server sends {@link PAYLOAD} gzip-compressed (when asked for gzip). */
export const GZIP_PATH = '/users.gz'

/** A ~1 KB JSON body: a list of users, like a typical REST resource. */
export const PAYLOAD = JSON.stringify({
  users: Array.from({ length: 12 }, (_, id) => ({
    id,
    name: `User number ${id}`,
    email: `user${id}@example.com`,
    active: id % 2 === 0,
  })),
})

/**
 * @typedef {object} ServerProcess
 * @property {string} origin `http://127.0.0.1:PORT`
 * @property {() => Promise<{ open: number, accepted: number }>} stats open and accepted connections, as the server sees them
 * @property {() => Promise<void>} stop
 */

/**
 * Forks the load server and waits until it listens.
 *
 * @example
 * const server = await startServerProcess({ keepAliveTimeout: 60_000 })
 * await fetch(`${server.origin}/users`)
 * await server.stop()
 * @param {{ keepAliveTimeout?: number }} [options]
 * @returns {Promise<ServerProcess>}
 */
export async function startServerProcess(options = {}) {
  const child = fork(fileURLToPath(import.meta.url), [String(options.keepAliveTimeout ?? 60_000)], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  })
  const [ready] = await once(child, 'message')
  /** @type {Array<(value: { open: number, accepted: number }) => void>} */
  const waiting = []
  child.on('message', (/** @type {{ type: string, open: number, accepted: number }} */ message) => {
    if (message.type === 'stats') waiting.shift()?.(message)
  })
  return {
    origin: ready.origin,
    stats() {
      return new Promise((resolve) => {
        waiting.push(resolve)
        child.send({ type: 'stats' })
      })
    },
    async stop() {
      if (child.exitCode !== null) return
      const exited = once(child, 'exit')
      child.kill()
      await exited
    },
  }
}

async function serve() {
  const { startServer } = await import('@foo/testkit')
  const keepAliveTimeout = Number(process.argv[2] ?? 60_000)
  const body = Buffer.from(PAYLOAD)
  const gzipped = gzipSync(body)
  const server = await startServer({
    keepAliveTimeout,
    handler(req, res) {
      // GZIP_PATH: the same document gzip-compressed, for a client that asks for gzip.
      const gzip =
        req.url === GZIP_PATH && /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''))
      const sent = gzip ? gzipped : body
      res.writeHead(200, {
        'content-type': 'application/json',
        'content-length': sent.length,
        ...(gzip && { 'content-encoding': 'gzip' }),
      })
      res.end(sent)
    },
  })
  // 10,000 dropped clients' sockets must all fit.
  server.server.maxConnections = Number.POSITIVE_INFINITY
  process.on('message', (/** @type {{ type: string }} */ message) => {
    if (message.type === 'stats') {
      process.send?.({ type: 'stats', open: server.connections.size, accepted: server.accepted() })
    }
  })
  process.on('disconnect', () => {
    server.close().then(() => process.exit(0))
  })
  process.send?.({ type: 'ready', origin: server.origin })
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await serve()
