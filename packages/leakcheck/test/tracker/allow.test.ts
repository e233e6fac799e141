import { once } from 'node:events'
import net from 'node:net'
import { startServer, type TestServer } from '@foo/testkit'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { allows, validateAllowRules } from '../../src/tracker/allow.js'
import { useTracker } from './helpers.js'

const { tracker, open } = useTracker()
let server: TestServer
let leak: ReturnType<typeof tracker.open>[number]
let socket: net.Socket

function openTheSocket(): net.Socket {
  return net.connect(server.port, '127.0.0.1')
}

beforeAll(async () => {
  server = await startServer()
  socket = openTheSocket()
  await once(socket, 'connect')
  const found = open().find((h) => h.stack.includes('openTheSocket'))
  if (found === undefined) throw new Error('socket not tracked')
  leak = found
})
afterAll(async () => {
  socket.destroy()
  await server.close()
})

describe('allow rules', () => {
  it('match by kind, host, port and creator', () => {
    expect(allows({ kind: 'tcp-socket' }, leak)).toBe(true)
    expect(allows({ kind: ['timer', 'tcp-socket'] }, leak)).toBe(true)
    expect(allows({ kind: 'timer' }, leak)).toBe(false)
    expect(allows({ host: '127.0.0.1' }, leak)).toBe(true)
    expect(allows({ host: /^127\./, port: server.port }, leak)).toBe(true)
    expect(allows({ host: 'example.com' }, leak)).toBe(false)
    expect(allows({ port: server.port + 1 }, leak)).toBe(false)
    expect(allows({ createdBy: 'openTheSocket' }, leak)).toBe(true)
    expect(allows({ createdBy: /allow\.test\.ts/ }, leak)).toBe(true)
    expect(allows({ createdBy: 'somethingElse' }, leak)).toBe(false)
    expect(allows({ kind: 'tcp-socket', port: 1 }, leak)).toBe(false)
  })

  it('reject malformed rules with a typed error', () => {
    expect(() => validateAllowRules({})).toThrow(
      expect.objectContaining({ code: 'LEAKCHECK_INVALID_ALLOW_RULE' }),
    )
    expect(() => validateAllowRules([{}])).toThrow(/`allow\[0\]` is empty/)
    expect(() => validateAllowRules([{ kind: 'socket' }])).toThrow(/not a handle kind/)
    expect(() => validateAllowRules([{ hots: 'x' }])).toThrow(/unknown field `hots`/)
    expect(() => validateAllowRules([{ port: '80' }])).toThrow(
      /port` must be an integer from 0 to 65535/,
    )
    expect(validateAllowRules([{ host: 'localhost', port: 6379 }])).toEqual([
      { host: 'localhost', port: 6379 },
    ])
  })
})
