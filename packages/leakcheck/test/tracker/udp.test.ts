import dgram from 'node:dgram'
import { once } from 'node:events'
import { beforeEach, describe, expect, it } from 'vitest'
import { useTracker } from './helpers.js'

const { tracker, since, reset } = useTracker()
beforeEach(() => reset())

describe('UDP sockets', () => {
  it('reports a bound UDP socket until it is closed', async () => {
    const socket = dgram.createSocket('udp4')
    socket.bind(0, '127.0.0.1')
    await once(socket, 'listening')
    const [leak] = tracker.open({ since: since() })
    expect(leak?.kind).toBe('udp-socket')
    expect(leak?.description).toBe(`UDP socket bound to 127.0.0.1:${socket.address().port}`)
    expect(leak?.state).toBe('active')
    socket.unref()
    expect(tracker.open({ since: since() })[0]?.state).toBe('unref')
    socket.close()
    expect(tracker.open({ since: since() })).toEqual([])
  })
})
