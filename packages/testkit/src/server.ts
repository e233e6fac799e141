import { once } from 'node:events'
import http from 'node:http'
import https from 'node:https'
import type { AddressInfo, Socket } from 'node:net'
import { createCertificate } from './certificate.js'

/** Which protocol a test server speaks. */
export type Protocol = 'http' | 'https'

/** Options for {@link startServer}. */
export interface StartServerOptions {
  /** Defaults to `'http'`. */
  protocol?: Protocol
  /** The request handler; defaults to answering `{"ok":true}`. */
  handler?: http.RequestListener
  /** Server keep-alive timeout in ms (Node's default is 5000). */
  keepAliveTimeout?: number
  /** HTTPS: the common name of its self-signed certificate (default `localhost`). */
  commonName?: string
}

/** A started server on 127.0.0.1. */
export interface TestServer {
  /** `http://127.0.0.1:PORT` or `https://127.0.0.1:PORT`. */
  origin: string
  port: number
  protocol: Protocol
  /** The CA that signs the HTTPS certificate (`undefined` for HTTP). */
  ca: string | undefined
  server: http.Server
  /** Sockets currently connected. */
  connections: Set<Socket>
  /** Count of connections accepted so far. */
  accepted(): number
  /** Destroys every connection and closes the listener. Idempotent. */
  close(): Promise<void>
}

/**
 * Starts a real HTTP or HTTPS server on 127.0.0.1 on a free port.
 *
 * @example
 * ```ts
 * const server = await startServer({ protocol: 'https', handler: (req, res) => res.end('hi') })
 * // ... requests to server.origin, trusting server.ca ...
 * await server.close()
 * ```
 */
export async function startServer(options: StartServerOptions = {}): Promise<TestServer> {
  const protocol = options.protocol ?? 'http'
  const handler: http.RequestListener =
    options.handler ??
    ((_req, res) => {
      res.setHeader('content-type', 'application/json')
      res.end('{"ok":true}')
    })
  let ca: string | undefined
  let server: http.Server
  if (protocol === 'https') {
    const { cert, key } = await createCertificate(options.commonName)
    ca = cert
    server = https.createServer({ cert, key }, handler)
  } else {
    server = http.createServer(handler)
  }
  if (options.keepAliveTimeout !== undefined) server.keepAliveTimeout = options.keepAliveTimeout
  const connections = new Set<Socket>()
  let accepted = 0
  server.on(protocol === 'https' ? 'secureConnection' : 'connection', (socket: Socket) => {
    accepted++
    connections.add(socket)
    socket.once('close', () => connections.delete(socket))
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const { port } = server.address() as AddressInfo
  let closing: Promise<void> | undefined
  return {
    origin: `${protocol}://127.0.0.1:${port}`,
    port,
    protocol,
    ca,
    server,
    connections,
    accepted: () => accepted,
    close() {
      closing ??= (async () => {
        const closed = new Promise<void>((resolve) => server.close(() => resolve()))
        // Still in the set means 'close' has not been emitted yet.
        const sockets = [...connections].map((socket) => once(socket, 'close'))
        for (const socket of connections) socket.destroy()
        await Promise.all([closed, ...sockets])
      })()
      return closing
    },
  }
}
