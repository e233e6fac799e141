import { once } from 'node:events'
import http from 'node:http'
import net, { type AddressInfo, type Socket } from 'node:net'

/** One CONNECT request the proxy received. */
export interface ConnectRecord {
  /** `host:port` asked for. */
  target: string
  headers: http.IncomingHttpHeaders
  /** The status the proxy answered: 200, 403 (not loopback) or 407 (credentials). */
  status: number
}

/** Options for {@link startProxy}. */
export interface StartProxyOptions {
  /** Require `proxy-authorization: Basic base64(user:pass)`; answer 407 otherwise. */
  credentials?: { user: string; pass: string }
}

/** A real CONNECT proxy on 127.0.0.1. */
export interface TestProxy {
  /** `http://127.0.0.1:PORT` */
  origin: string
  port: number
  /** Every CONNECT received, in order. */
  connects: ConnectRecord[]
  /** Tunnels currently open (client side sockets). */
  tunnels: Set<Socket>
  /** Destroys every tunnel and closes the listener. Idempotent. */
  close(): Promise<void>
}

/**
 * Starts a real HTTP CONNECT proxy (RFC 9110 §9.3.6) on 127.0.0.1: it tunnels to loopback
 * targets only (anything else is 403) and can require Basic credentials (407 without them).
 *
 * @example
 * ```ts
 * const proxy = await startProxy()
 * const client = new Client({ baseUrl: server.origin, proxy: proxy.origin })
 * // proxy.connects[0].target === '127.0.0.1:PORT'
 * await proxy.close()
 * ```
 */
export async function startProxy(options: StartProxyOptions = {}): Promise<TestProxy> {
  const connects: ConnectRecord[] = []
  const tunnels = new Set<Socket>()
  const expected =
    options.credentials === undefined
      ? undefined
      : `Basic ${Buffer.from(`${options.credentials.user}:${options.credentials.pass}`).toString('base64')}`
  const server = http.createServer((_req, res) => {
    res.writeHead(405, { allow: 'CONNECT' }).end()
  })
  server.on('connect', (req: http.IncomingMessage, client: Socket, head: Buffer) => {
    const target = req.url ?? ''
    const record: ConnectRecord = { target, headers: req.headers, status: 200 }
    connects.push(record)
    tunnels.add(client)
    client.once('close', () => tunnels.delete(client))
    client.on('error', () => client.destroy())
    if (expected !== undefined && req.headers['proxy-authorization'] !== expected) {
      record.status = 407
      client.end(
        'HTTP/1.1 407 Proxy Authentication Required\r\nproxy-authenticate: Basic\r\ncontent-length: 0\r\n\r\n',
      )
      return
    }
    const at = target.lastIndexOf(':')
    const host = target.slice(0, at).replace(/^\[|\]$/g, '')
    const port = Number(target.slice(at + 1))
    if (host !== '127.0.0.1' && host !== 'localhost' && host !== '::1') {
      record.status = 403
      client.end('HTTP/1.1 403 Forbidden\r\ncontent-length: 0\r\n\r\n')
      return
    }
    const upstream = net.connect(port, host, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n')
      if (head.length > 0) upstream.write(head)
      upstream.pipe(client)
      client.pipe(upstream)
    })
    upstream.on('error', () => client.destroy())
    client.once('close', () => upstream.destroy())
    upstream.once('close', () => client.destroy())
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const { port } = server.address() as AddressInfo
  let closing: Promise<void> | undefined
  return {
    origin: `http://127.0.0.1:${port}`,
    port,
    connects,
    tunnels,
    close() {
      closing ??= (async () => {
        const closed = new Promise<void>((resolve) => server.close(() => resolve()))
        for (const socket of tunnels) socket.destroy()
        server.closeAllConnections()
        await closed
      })()
      return closing
    },
  }
}
