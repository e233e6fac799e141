import { describe, expect, it } from 'vitest'
import {
  scenario as byId,
  type ConnectionRecord,
  countEndings,
  judge,
  type Observation,
  parseMarkers,
} from '../src/index.js'

const T = 1_700_000_000_000

function connection(overrides: Partial<ConnectionRecord> = {}): ConnectionRecord {
  return {
    id: 1,
    protocol: 'https',
    remotePort: 50000,
    ending: 'fin',
    acceptedAt: T,
    endedAt: T + 120,
    msAfterAccept: 120,
    lastResponseAt: T + 100,
    msAfterLastResponse: 20,
    requests: 1,
    responses: 1,
    tlsCloseNotify: false,
    errorCode: undefined,
    ...overrides,
  }
}

function observation(overrides: Partial<Observation> = {}): Observation {
  return {
    exit: { code: 0, signal: null },
    exitAt: T + 150,
    signalAt: undefined,
    timedOut: false,
    markers: [{ event: 'last-response', at: T + 100 }],
    stderr: '',
    connections: [connection()],
    serverLastResponseAt: T + 100,
    ...overrides,
  }
}

describe('judge', () => {
  it('passes a clean natural end and measures the time from the last response', () => {
    const verdict = judge(byId('natural-end'), 'client', observation(), 'linux')
    expect(verdict).toMatchObject({ status: 'pass', reasons: [], msToExit: 50 })
    expect(verdict.counts).toEqual({ total: 1, fin: 1, rst: 0, server: 0, open: 0, closeNotify: 0 })
  })

  it('fails on the wrong exit code, a reset, an open socket and stray stderr, saying each', () => {
    const verdict = judge(
      byId('natural-end'),
      'client',
      observation({
        exit: { code: 1, signal: null },
        stderr: 'Error: boom\n    at x',
        connections: [
          connection({ ending: 'rst', errorCode: 'ECONNRESET' }),
          connection({ id: 2, ending: 'open', endedAt: undefined }),
        ],
      }),
      'linux',
    )
    expect(verdict.status).toBe('fail')
    expect(verdict.reasons).toEqual([
      'expected exit 0, saw exit 1',
      '1 connection(s) reset (RST)',
      '1 connection(s) left open',
      'unexpected stderr: Error: boom',
    ])
  })

  it('fails a slow exit and a hang', () => {
    const slow = judge(byId('natural-end'), 'client', observation({ exitAt: T + 5100 }), 'linux')
    expect(slow.reasons).toEqual(['took 5000 ms to exit after the last response (limit 3000)'])
    const hung = judge(
      byId('natural-end'),
      'client',
      observation({ timedOut: true, exitAt: undefined, exit: { code: null, signal: 'SIGKILL' } }),
      'linux',
    )
    expect(hung.status).toBe('fail')
    expect(hung.seenExit).toBe('timeout')
    expect(hung.reasons).toContain('did not exit in time: killed')
  })

  it('expects the stderr of an uncaught exception', () => {
    const scenario = byId('uncaught-exception')
    const seen = observation({ exit: { code: 1, signal: null } })
    expect(judge(scenario, 'client', seen, 'linux').reasons).toEqual([
      `stderr does not match ${scenario.expect.stderr}`,
    ])
    const withStack = { ...seen, stderr: 'Error: demo: uncaught exception after the last response' }
    expect(judge(scenario, 'client', withStack, 'linux').status).toBe('pass')
  })

  it('measures a signal case from the signal and needs the in-flight response', () => {
    const scenario = byId('sigterm-graceful')
    const seen = observation({
      exit: { code: null, signal: 'SIGTERM' },
      signalAt: T + 200,
      exitAt: T + 260,
      connections: [connection({ requests: 2, responses: 1 })],
    })
    const verdict = judge(scenario, 'client', seen, 'linux')
    expect(verdict.msToExit).toBe(60)
    expect(verdict.reasons).toEqual(['1 in-flight request(s) never answered'])
    expect(judge(scenario, 'undici', seen, 'linux').status).toBe('n/a')
  })

  it('needs the GC case to close connections before its marker', () => {
    const scenario = byId('gc-10k')
    const markers = [
      { event: 'last-response', at: T + 100 },
      { event: 'gc-done', at: T + 600 },
    ]
    const closed = observation({
      markers,
      exitAt: T + 900,
      connections: [connection({ endedAt: T + 400 })],
    })
    expect(judge(scenario, 'client', closed, 'linux').status).toBe('pass')
    const atExit = observation({
      markers,
      exitAt: T + 900,
      connections: [connection({ endedAt: T + 901 })],
    })
    expect(judge(scenario, 'client', atExit, 'linux').reasons).toEqual([
      "1 connection(s) still open at 'gc-done'",
    ])
  })
})

describe('judge, what only some scenarios ask', () => {
  it('needs a request cut when the process ends with requests in flight', () => {
    const scenario = byId('process-exit-in-flight')
    const exit = { code: 3, signal: null }
    const answered = observation({ exit })
    expect(judge(scenario, 'client', answered, 'linux').reasons).toEqual([
      'no request was in flight when the process ended',
    ])
    const cut = observation({ exit, connections: [connection({ requests: 2, responses: 1 })] })
    expect(judge(scenario, 'client', cut, 'linux').status).toBe('pass')
  })

  it("needs the program's own markers and the server's request count", () => {
    const scenario = byId('await-retry-backoff')
    const once = observation({ connections: [connection({ requests: 1, responses: 1 })] })
    expect(judge(scenario, 'client', once, 'linux').reasons).toEqual([
      'the server saw 1 request(s), expected 2',
      "the program never printed 'rejected-after-retry'",
    ])
    const retried = observation({
      markers: [
        { event: 'rejected-after-retry', at: T + 90 },
        { event: 'last-response', at: T + 100 },
      ],
      connections: [connection({ requests: 2, responses: 2 })],
    })
    expect(judge(scenario, 'client', retried, 'linux').status).toBe('pass')
    expect(judge(scenario, 'got', retried, 'linux')).toMatchObject({
      status: 'n/a',
      reasons: ['got has no retry'],
    })
  })

  it('measures the time to exit from the last signal when there were two', () => {
    const scenario = byId('sigint-graceful-second-signal')
    const seen = observation({
      exit: { code: null, signal: 'SIGINT' },
      markers: [],
      serverLastResponseAt: T + 100,
      signalAt: T + 400,
      exitAt: T + 420,
      connections: [connection({ requests: 2, responses: 1 })],
    })
    expect(judge(scenario, 'client', seen, 'linux')).toMatchObject({ status: 'pass', msToExit: 20 })
  })
})

describe('countEndings and parseMarkers', () => {
  it('counts every kind of ending and close_notify', () => {
    const counts = countEndings([
      connection({ tlsCloseNotify: true }),
      connection({ ending: 'rst' }),
      connection({ ending: 'server' }),
      connection({ ending: 'open' }),
    ])
    expect(counts).toEqual({ total: 4, fin: 1, rst: 1, server: 1, open: 1, closeNotify: 1 })
  })

  it('reads marker lines and ignores the rest, including a line cut short by a kill', () => {
    const stdout = [
      'hello',
      '@@exit {"event":"in-flight","at":5}',
      '@@exit {"event":"last-resp',
      '@@exit {"nope":1}',
      '@@exit {"event":"last-response","at":9,"extra":true}',
    ].join('\n')
    expect(parseMarkers(stdout)).toEqual([
      { event: 'in-flight', at: 5 },
      { event: 'last-response', at: 9, extra: true },
    ])
  })
})
