import { describe, expect, it } from 'vitest'
import { fixLine } from '../src/fix.js'
import { judge } from '../src/policy.js'
import type { OpenHandle } from '../src/tracker/types.js'

// The pure policy, driven with handles as data: no sockets, no runner.
const FILE = '/repo/test/api.test.ts'
let nextId = 1

function handle(partial: Partial<OpenHandle> & Pick<OpenHandle, 'kind'>): OpenHandle {
  const line = nextId
  return {
    id: nextId++,
    state: 'active',
    scope: { file: FILE },
    frames: [{ file: FILE, line, column: 3 }],
    stack: `Error\n    at ${FILE}:${line}:3`,
    ...partial,
  }
}

const local = (port: number) => ({ address: '127.0.0.1', port })

function server(port: number, test?: string): OpenHandle {
  return handle({ kind: 'tcp-server', local: local(port), scope: { file: FILE, test } })
}

/** A connection to `server` from this process: the client end and the accepted end. */
function connection(
  serverHandle: OpenHandle,
  clientPort: number,
  client: Partial<OpenHandle> = {},
): [OpenHandle, OpenHandle] {
  const port = serverHandle.local?.port as number
  const clientEnd = handle({
    kind: 'tcp-socket',
    role: 'client',
    local: local(clientPort),
    remote: local(port),
    ...client,
  })
  const accepted = handle({
    kind: 'tcp-socket',
    role: 'accepted',
    local: local(port),
    remote: local(clientPort),
    scope: serverHandle.scope,
    owner: { type: 'server', id: serverHandle.id },
  })
  return [clientEnd, accepted]
}

const undiciPool = (id: number, global = false) =>
  ({ type: 'pool', pool: 'undici', global, id }) as const

describe('blame by owner: pooled connections', () => {
  it('an idle keep-alive socket is never a test leak: its pool decides, at the end of the file', () => {
    const s = server(8000)
    const [client, accepted] = connection(s, 50001, {
      state: 'idle-keep-alive',
      owner: undiciPool(1),
      scope: { file: FILE, test: 'first' },
      lastUsedBy: { file: FILE, test: 'first' },
    })
    const handles = [client, accepted]
    expect(judge(handles, { at: 'test', file: FILE, test: 'first' }).leaks).toEqual([])
    // With the server gone, the pool that nobody closed is the file's leak.
    const atFileEnd = judge([client], { at: 'file', file: FILE })
    expect(atFileEnd.leaks).toHaveLength(1)
    expect(atFileEnd.leaks[0]?.reason).toBe('pool-not-closed')
    expect(fixLine(atFileEnd.leaks[0] as never)).toContain('await agent.close()')
    expect(fixLine(atFileEnd.leaks[0] as never)).toContain('afterAll')
  })

  it("global fetch's pool and @foo/client sockets are not leaks when idle, even at the end of the file", () => {
    const fetchSocket = handle({
      kind: 'tcp-socket',
      role: 'client',
      state: 'idle-keep-alive',
      owner: undiciPool(2, true),
      remote: { address: '203.0.113.9', port: 443, host: 'api.example.com' },
    })
    const sdkSocket = handle({
      kind: 'tls-socket',
      role: 'client',
      state: 'idle-keep-alive',
      owner: { type: 'foo-client', name: 'Api', createdAt: '', reachable: true },
      remote: { address: '203.0.113.9', port: 443 },
    })
    expect(judge([fetchSocket, sdkSocket], { at: 'file', file: FILE }).leaks).toEqual([])
    expect(judge([fetchSocket, sdkSocket], { at: 'program' }).leaks).toEqual([])
  })

  it('a socket left mid-request is blamed on the test that last used it, not the one that opened it', () => {
    const busy = handle({
      kind: 'tcp-socket',
      role: 'client',
      owner: undiciPool(3),
      scope: { file: FILE, test: 'opens the connection' },
      lastUsedBy: { file: FILE, test: 'leaves a body unread' },
      remote: local(9000),
    })
    expect(judge([busy], { at: 'test', file: FILE, test: 'opens the connection' }).leaks).toEqual(
      [],
    )
    const verdict = judge([busy], { at: 'test', file: FILE, test: 'leaves a body unread' })
    expect(verdict.leaks).toHaveLength(1)
    expect(verdict.leaks[0]?.reason).toBe('left-busy')
    expect(verdict.leaks[0]?.blame.test).toBe('leaves a body unread')
  })
})

describe('one root cause, one report', () => {
  it('a server, the connections it accepted and their client ends in this process are one group', () => {
    const s = server(8100)
    const [fetchEnd, accepted] = connection(s, 50011, {
      state: 'idle-keep-alive',
      owner: undiciPool(4, true),
    })
    const [rawEnd, accepted2] = connection(s, 50012)
    const verdict = judge([s, fetchEnd, accepted, rawEnd, accepted2], { at: 'file', file: FILE })
    expect(verdict.leaks).toHaveLength(1)
    const group = verdict.leaks[0]
    expect(group?.causes.map((h) => h.id)).toEqual([s.id])
    expect(group?.members.map((h) => h.id).sort()).toEqual(
      [accepted.id, accepted2.id, fetchEnd.id, rawEnd.id].sort(),
    )
    expect(fixLine(group as never)).toContain('server.close(')
    expect(fixLine(group as never)).not.toContain('agent')
  })

  it('the two ends of an in-process connection are one entry, blamed on the client end', () => {
    const s = server(8200) // file level, still open: the server decides its accepted sockets
    const [client, accepted] = connection(s, 50021, { scope: { file: FILE, test: 'connects' } })
    const verdict = judge([s, client, accepted], { at: 'test', file: FILE, test: 'connects' })
    expect(verdict.leaks).toHaveLength(1)
    expect(verdict.leaks[0]?.causes.map((h) => h.id)).toEqual([client.id])
    expect(verdict.leaks[0]?.members.map((h) => h.id)).toEqual([accepted.id])
    expect(fixLine(verdict.leaks[0] as never)).toContain('socket.destroy()')
  })

  it('servers opened at different lines are separate groups; the same line merges, with its site', () => {
    const a = server(8301, 't')
    const b = server(8302, 't')
    const twins = [8303, 8304].map((port) => ({
      ...server(port, 't'),
      frames: [{ file: FILE, line: 999, column: 5 }],
    }))
    const verdict = judge([a, b, ...twins], { at: 'test', file: FILE, test: 't' })
    expect(verdict.leaks).toHaveLength(3)
    const merged = verdict.leaks.find((g) => g.causes.length === 2)
    expect(merged?.sites).toEqual([{ file: FILE, line: 999, column: 5 }])
  })

  it('an HTTP/2 client session is one handle with its own fix', () => {
    const session = handle({
      kind: 'tls-socket',
      role: 'client',
      owner: { type: 'http2-session', id: 1, streams: 2 },
      scope: { file: FILE },
      remote: local(8443),
    })
    const verdict = judge([session], { at: 'file', file: FILE })
    expect(verdict.leaks).toHaveLength(1)
    expect(fixLine(verdict.leaks[0] as never)).toContain('session.close()')
  })

  it('connections of a server that stopped listening are closing: the check waits for them', () => {
    const s = server(8500, 't')
    const [, accepted] = connection(s, 50051)
    const draining = { ...accepted, state: 'closing' as const }
    const verdict = judge([draining], { at: 'test', file: FILE, test: 't' })
    expect(verdict.closing.map((h) => h.id)).toEqual([draining.id])
    expect(fixLine(verdict.leaks[0] as never)).toContain('closeAllConnections')
  })
})

describe('timers by what they cost', () => {
  const inTest = { file: FILE, test: 't' }
  it('an interval fails, a short one-shot timer warns, a long one fails, an unref one is ignored', () => {
    const interval = handle({ kind: 'interval', delayMs: 10, scope: inTest })
    const race = handle({ kind: 'timer', delayMs: 3000, scope: inTest })
    const long = handle({ kind: 'timer', delayMs: 120_000, scope: inTest })
    const unref = handle({ kind: 'timer', delayMs: 120_000, state: 'unref', scope: inTest })
    const verdict = judge([interval, race, long, unref], { at: 'test', file: FILE, test: 't' })
    expect(verdict.leaks.flatMap((g) => g.causes.map((h) => h.id)).sort()).toEqual(
      [interval.id, long.id].sort(),
    )
    expect(verdict.warnings.map((g) => g.causes[0]?.id)).toEqual([race.id])
    expect(verdict.warnings[0]?.reason).toBe('short-timer')
  })

  it("an unref'd BroadcastChannel or port keeps nothing alive; a ref'd one fails, at the file's end too", () => {
    const atTop = { file: FILE }
    const unrefChannel = handle({ kind: 'broadcast-channel', state: 'unref', scope: atTop })
    const unrefPort = handle({ kind: 'message-port', state: 'unref', scope: atTop })
    const channel = handle({ kind: 'broadcast-channel', scope: atTop })
    const verdict = judge([unrefChannel, unrefPort, channel], { at: 'file', file: FILE })
    expect(verdict.leaks.flatMap((g) => g.causes.map((h) => h.id))).toEqual([channel.id])
    expect(verdict.warnings).toEqual([])
  })

  it('the threshold is an option: 0 fails every pending timer', () => {
    const race = handle({ kind: 'timer', delayMs: 3000, scope: inTest })
    const verdict = judge([race], { at: 'test', file: FILE, test: 't' }, { shortTimerMs: 0 })
    expect(verdict.leaks).toHaveLength(1)
  })
})

describe('blame by cause', () => {
  it('a handle opened by an earlier test is not the running test’s leak; the file check names it', () => {
    const timer = handle({
      kind: 'interval',
      delayMs: 50,
      scope: { file: FILE, test: 'starts an upload' },
    })
    expect(judge([timer], { at: 'test', file: FILE, test: 'an unrelated test' }).leaks).toEqual([])
    const atFileEnd = judge([timer], { at: 'file', file: FILE })
    expect(atFileEnd.leaks[0]?.blame.test).toBe('starts an upload')
  })

  it('a file check ignores handles of other files (vmThreads run several files in one worker)', () => {
    const other = handle({
      kind: 'tcp-server',
      local: local(8600),
      scope: { file: '/repo/test/other.test.ts' },
    })
    expect(judge([other], { at: 'file', file: FILE }).leaks).toEqual([])
  })

  it('a program check leaves out live @foo/client sockets: its exit hook destroys them', () => {
    const busy = handle({
      kind: 'tcp-socket',
      role: 'client',
      owner: { type: 'foo-client', name: 'Api', createdAt: '', reachable: true },
      lastUsedBy: {},
    })
    expect(judge([busy], { at: 'program' }).leaks).toEqual([])
    expect(fixLine(judge([busy], { at: 'file' }).leaks[0] as never, 'program')).toContain(
      'before the program exits',
    )
  })
})

describe('merging', () => {
  it('connections one test left busy in one pool, opened at several lines, are one group with every site', () => {
    const busy = [10, 20, 30].map((line, i) =>
      handle({
        kind: 'tcp-socket',
        role: 'client',
        owner: undiciPool(100 + i, true),
        scope: { file: FILE, test: 't' },
        lastUsedBy: { file: FILE, test: 't' },
        remote: { address: '127.0.0.1', port: 9100, host: 'localhost' },
        frames: [{ file: FILE, line, column: 1 }],
      }),
    )
    const verdict = judge(busy, { at: 'test', file: FILE, test: 't' })
    expect(verdict.leaks).toHaveLength(1)
    expect(verdict.leaks[0]?.causes).toHaveLength(3)
    expect(verdict.leaks[0]?.sites.map((site) => site.line)).toEqual([10, 20, 30])
  })
})

describe('what a check waits for', () => {
  it('not the server end of a connection whose client end, here, stays open', () => {
    const s = server(8700, 't')
    const [client, accepted] = connection(s, 50071, { scope: { file: FILE, test: 't' } })
    const stuck = { ...accepted, state: 'closing' as const }
    expect(judge([client, stuck], { at: 'test', file: FILE, test: 't' }).closing).toEqual([])
    const ending = { ...client, state: 'closing' as const }
    expect(judge([ending, stuck], { at: 'test', file: FILE, test: 't' }).closing).toHaveLength(2)
  })

  it('a server still resolving its address', () => {
    const starting = { ...server(8701, 't'), state: 'starting' as const }
    expect(judge([starting], { at: 'test', file: FILE, test: 't' }).closing).toHaveLength(1)
  })
})
