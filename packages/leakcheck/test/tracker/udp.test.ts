import dgram from 'node:dgram'
import { once } from 'node:events'
import { beforeEach, describe, expect, it } from 'vitest'
import { describeHandle, useTracker } from './helpers.js'

const { reset, open } = useTracker()
beforeEach(() => reset())

describe('UDP sockets', () => {
  it('reports a bound UDP socket until it is closed', async () => {
    const socket = dgram.createSocket('udp4')
    socket.bind(0, '127.0.0.1')
    await once(socket, 'listening')
    const [leak] = open()
    expect(leak?.kind).toBe('udp-socket')
    expect(describeHandle(leak as never)).toBe(
      `UDP socket bound to 127.0.0.1:${socket.address().port}`,
    )
    expect(leak?.state).toBe('active')
    socket.unref()
    expect(open()[0]?.state).toBe('unref')
    socket.close()
    expect(open()).toEqual([])
  })
})
