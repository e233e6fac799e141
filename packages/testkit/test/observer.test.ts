import { once } from 'node:events'
import net from 'node:net'
import tls from 'node:tls'
import { afterEach, describe, expect, it } from 'vitest'
import { type Observer, startObserver } from '../src/index.js'

let observer: Observer | undefined
const sockets: net.Socket[] = []
afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy()
  await observer?.close()
  observer = undefined
})

const GET = (path: string): string => `GET ${path} HTTP/1.1\r\nhost: 127.0.0.1\r\n\r\n`

function portOf(origin: string): number {
  return Number(new URL(origin).port)
}

/** A plain TCP client that sent one request and read its whole response. */
async function plainClient(o: Observer, path = '/json'): Promise<net.Socket> {
  const socket = net.connect(portOf(o.httpOrigin), '127.0.0.1')
  sockets.push(socket)
  await once(socket, 'connect')
  socket.write(GET(path))
  await readResponse(socket)
  return socket
}

/** A TLS client over a raw TCP socket we keep, so we can close TCP under TLS. */
async function tlsClient(o: Observer): Promise<{ raw: net.Socket; secure: tls.TLSSocket }> {
  const raw = net.connect(portOf(o.httpsOrigin), '127.0.0.1')
  sockets.push(raw)
  await once(raw, 'connect')
  const secure = tls.connect({ socket: raw, ca: o.ca, servername: 'localhost' })
  secure.on('error', () => {})
  await once(secure, 'secureConnect')
  secure.write(GET('/json'))
  await readResponse(secure)
  return { raw, secure }
}

function readResponse(socket: net.Socket): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = ''
    const onData = (chunk: Buffer): void => {
      text += chunk.toString('latin1')
      const head = text.indexOf('\r\n\r\n')
      const length = /content-length: (\d+)/i.exec(text)
      if (head >= 0 && length && text.length >= head + 4 + Number(length[1])) {
        socket.off('data', onData)
        resolve(text)
      }
    }
    socket.on('data', onData)
    socket.once('error', reject)
  })
}

async function settledOne(o: Observer) {
  const records = await o.settle({ quietMs: 200, timeoutMs: 3000 })
  expect(records).toHaveLength(1)
  return records[0] as NonNullable<(typeof records)[0]>
}

describe('startObserver: how a plain HTTP connection ended', () => {
  it('records FIN when the peer calls end()', async () => {
    observer = await startObserver()
    const socket = await plainClient(observer)
    socket.end()
    const record = await settledOne(observer)
    expect(record.ending).toBe('fin')
    expect(record.protocol).toBe('http')
    expect(record.requests).toBe(1)
    expect(record.responses).toBe(1)
    expect(record.msAfterLastResponse).toBeGreaterThanOrEqual(0)
    expect(record.msAfterAccept).toBeGreaterThanOrEqual(record.msAfterLastResponse ?? 0)
    expect(record.tlsCloseNotify).toBeUndefined()
  })

  it.skipIf(typeof net.Socket.prototype.resetAndDestroy !== 'function')(
    'records RST when the peer calls resetAndDestroy()',
    async () => {
      observer = await startObserver()
      const socket = await plainClient(observer)
      socket.resetAndDestroy()
      const record = await settledOne(observer)
      expect(record.ending).toBe('rst')
      expect(record.errorCode).toBe('ECONNRESET')
    },
  )

  it('records RST when the peer destroys a socket with unread data', async () => {
    observer = await startObserver()
    const socket = net.connect(portOf(observer.httpOrigin), '127.0.0.1')
    sockets.push(socket)
    await once(socket, 'connect')
    socket.pause()
    socket.write(GET('/large?bytes=200000'))
    await observer.waitForRequest('/large')
    // Let the response land in our receive buffer, unread: closing then makes the kernel send RST.
    await new Promise((resolve) => setTimeout(resolve, 200))
    socket.destroy()
    const record = await settledOne(observer)
    expect(record.ending).toBe('rst')
  })

  it('records a connection left open as open', async () => {
    observer = await startObserver({ keepAliveTimeout: 60_000 })
    await plainClient(observer)
    const record = await settledOne(observer)
    expect(record.ending).toBe('open')
    expect(record.endedAt).toBeUndefined()
  })

  it('records server when its keep-alive timeout closes an idle connection', async () => {
    observer = await startObserver({ keepAliveTimeout: 100 })
    const socket = await plainClient(observer)
    socket.on('end', () => socket.end())
    await once(socket, 'close')
    const record = await settledOne(observer)
    expect(record.ending).toBe('server')
  })
})

describe('startObserver: how a TLS connection ended', () => {
  it('records FIN with close_notify when the peer ends the TLS session', async () => {
    observer = await startObserver()
    const { secure } = await tlsClient(observer)
    secure.end()
    const record = await settledOne(observer)
    expect(record.protocol).toBe('https')
    expect(record.ending).toBe('fin')
    expect(record.tlsCloseNotify).toBe(true)
  })

  it('records FIN without close_notify when the peer only closes TCP', async () => {
    observer = await startObserver()
    const { raw } = await tlsClient(observer)
    raw.end()
    const record = await settledOne(observer)
    expect(record.ending).toBe('fin')
    expect(record.tlsCloseNotify).toBe(false)
  })

  it('records FIN without close_notify when the peer destroys its TLS socket', async () => {
    observer = await startObserver()
    const { secure } = await tlsClient(observer)
    secure.destroy()
    const record = await settledOne(observer)
    expect(record.ending).toBe('fin')
    expect(record.tlsCloseNotify).toBe(false)
  })

  it.skipIf(typeof net.Socket.prototype.resetAndDestroy !== 'function')(
    'records RST when the peer resets TCP under TLS',
    async () => {
      observer = await startObserver()
      const { raw } = await tlsClient(observer)
      raw.resetAndDestroy()
      const record = await settledOne(observer)
      expect(record.ending).toBe('rst')
      expect(record.tlsCloseNotify).toBeUndefined()
    },
  )

  it('records a TLS connection left open as open', async () => {
    observer = await startObserver()
    await tlsClient(observer)
    const record = await settledOne(observer)
    expect(record.ending).toBe('open')
  })
})

describe('startObserver: endpoints and input', () => {
  it('serves /slow after the delay and tells when a path was requested', async () => {
    observer = await startObserver()
    const socket = net.connect(portOf(observer.httpOrigin), '127.0.0.1')
    sockets.push(socket)
    await once(socket, 'connect')
    const started = Date.now()
    socket.write(GET('/slow?ms=300'))
    await observer.waitForRequest('/slow')
    const text = await readResponse(socket)
    expect(Date.now() - started).toBeGreaterThanOrEqual(250)
    expect(text).toContain('"sleptMs":300')
    expect(observer.lastResponseAt()).toBeTypeOf('number')
  })

  it('rejects a keep-alive timeout that is not a non-negative integer', async () => {
    await expect(startObserver({ keepAliveTimeout: -1 })).rejects.toThrow(/keepAliveTimeout/)
  })

  it('waitForRequest rejects after its timeout', async () => {
    observer = await startObserver()
    await expect(observer.waitForRequest('/never', 50)).rejects.toThrow(/no request for \/never/)
  })
})
