import { beforeAll, describe, expect, it } from 'vitest'
import { lineOf } from '../helpers/fixture-source.js'
import { fileMessage, runVitest, testResult, type VitestRun } from '../helpers/run-vitest.js'

// One `vitest run` over the fixture project `kinds`: every kind of handle leaking from a test,
// plus file-level leaks (module top level, beforeAll, test.concurrent).
let run: VitestRun
beforeAll(async () => {
  run = await runVitest('kinds')
}, 120_000)

function failure(file: string, title: string): string {
  const result = testResult(run, file, title)
  expect(result.status, `${file} > ${title} should fail with a leak`).toBe('failed')
  return result.failureMessages.join('\n')
}

describe('a leaking test fails with a report that names kind, address, test, line and fix', () => {
  it('exits non-zero and prints the run summary once', () => {
    expect(run.code).toBe(1)
    const summaries = run.stdout.match(/^leakcheck: .*$/gm) ?? []
    expect(summaries).toHaveLength(1)
    // The warnings are the short timers (50 ms and 200 ms) Vite's dev server arms when it
    // listens: on a loaded machine both are still pending when the file ends, else one.
    expect(summaries[0]).toMatch(
      /^leakcheck: 22 tests checked in 7 files, 21 leaks, [12] warnings?, 0 handles closed by GC$/,
    )
  })

  it('TCP client socket to a server that is closed later', () => {
    const message = failure('tcp.spec.ts', 'tcp client socket to a server closed later')
    expect(message).toMatch(/TCP socket 127\.0\.0\.1:\d+ -> 127\.0\.0\.1:\d+ \(active\)/)
    expect(message).toContain('test: tcp.spec.ts > tcp client socket to a server closed later')
    expect(message).toContain(
      lineOf('kinds/tcp.spec.ts', "const socket = net.connect(server.port, '127.0.0.1')"),
    )
    expect(message).toMatch(/Fix: .*socket\.destroy\(\)/)
  })

  it('listening server', () => {
    const message = failure('tcp.spec.ts', 'listening server')
    expect(message).toMatch(/TCP server listening on 127\.0\.0\.1:\d+/)
    expect(message).toContain(lineOf('kinds/tcp.spec.ts', "listener.listen(0, '127.0.0.1')"))
    expect(message).toMatch(/Fix: .*server\.close/)
  })

  it('UDP socket', () => {
    const message = failure('tcp.spec.ts', 'udp socket')
    expect(message).toMatch(/UDP socket bound to 127\.0\.0\.1:\d+/)
    expect(message).toMatch(/Fix: .*socket\.close\(\)/)
  })

  it('a socket opened after an await is still blamed on its test', () => {
    const message = failure('tcp.spec.ts', 'leak opened after an await')
    expect(message).toContain('test: tcp.spec.ts > leak opened after an await')
    expect(message).toMatch(/TCP socket 127\.0\.0\.1:\d+ -> 127\.0\.0\.1:\d+/)
  })

  it('a test that closes what it opens passes, in the same file', () => {
    expect(testResult(run, 'tcp.spec.ts', 'closes what it opens').status).toBe('passed')
    expect(fileMessage(run, 'tcp.spec.ts')).toBe('')
  })

  it('TLS socket', () => {
    const message = failure('tls.spec.ts', 'tls socket')
    expect(message).toMatch(/TLS socket 127\.0\.0\.1:\d+ -> 127\.0\.0\.1:\d+ \(active\)/)
    expect(message).toContain(lineOf('kinds/tls.spec.ts', 'tls.connect('))
  })

  it('child process, worker thread, fs watcher and ref interval', () => {
    expect(failure('process.spec.ts', 'child process')).toMatch(
      /Child process \(pid \d+\)[^\n]*setTimeout/,
    )
    expect(failure('process.spec.ts', 'worker thread')).toMatch(/Worker thread \d+/)
    expect(failure('process.spec.ts', 'fs watcher')).toMatch(/File watcher on .*kinds/)
    const interval = failure('process.spec.ts', 'ref interval')
    expect(interval).toMatch(/Interval of 1000 ms/)
    expect(interval).toMatch(/Fix: .*clearInterval/)
  })

  it('a test that leaves fake timers installed is still checked, on real timers', () => {
    const message = failure('process.spec.ts', 'server leaked while fake timers are installed')
    expect(message).toMatch(/TCP server listening on 127\.0\.0\.1:\d+/)
    expect(message).toContain(
      lineOf('kinds/process.spec.ts', "net.createServer().listen(0, '127.0.0.1')"),
    )
  })

  it('idle keep-alive sockets belong to their pool: an Agent nobody closes fails the file, global fetch nothing', () => {
    for (const title of [
      'idle keep-alive socket in an undici Agent nobody closes',
      'idle keep-alive socket of global fetch',
    ]) {
      expect(testResult(run, 'keepalive.spec.ts', title).status).toBe('passed')
    }
    const message = fileMessage(run, 'keepalive.spec.ts')
    expect(message).toContain('1 root cause (1 open handle)')
    expect(message).toMatch(
      /TCP socket 127\.0\.0\.1:\d+ -> 127\.0\.0\.1:\d+ \(idle in an undici keep-alive pool\)/,
    )
    expect(message).toContain(
      'test: keepalive.spec.ts > idle keep-alive socket in an undici Agent nobody closes',
    )
    expect(message).toContain(
      lineOf('kinds/keepalive.spec.ts', 'await request(url, { dispatcher: agent })'),
    )
    expect(message).toMatch(/Fix: Nobody closed the undici Agent.*await agent\.close\(\)/)
    expect(message).not.toContain('await fetch(url)')
  })

  it('a @foo/client call left with its body unread fails the test, naming the client', () => {
    const message = failure(
      'client.spec.ts',
      'a @foo/client call whose response body is never read',
    )
    expect(message).toMatch(/\(active: a request is unfinished\)/)
    expect(message).toMatch(/owner: @foo\/client Client, created at .*\(still reachable\)/)
    expect(message).toContain(
      lineOf('kinds/client.spec.ts', "api.request({ method: 'GET', path: '/stall' })"),
    )
    expect(message).toMatch(/Fix: .*response\.body\.text\(\)/)
  })
})

describe('handles an earlier version never saw', () => {
  it.each([
    [
      'a socket made with new net.Socket() in beforeAll and connected in the test',
      /TCP socket 127\.0\.0\.1:\d+ -> 127\.0\.0\.1:\d+ \(active\)/,
      'socket.connect(port',
    ],
    [
      'a Vite dev server started and never closed',
      /TCP server listening on 127\.0\.0\.1:\d+[\s\S]*at httpServer\.listen \([^)]*[\\/]vite[\\/]/,
      undefined,
    ],
    [
      'a MessagePort something listens on',
      /MessagePort with a 'message' listener[\s\S]*port\.close\(\)/,
      'new MessageChannel()',
    ],
    [
      'a BroadcastChannel',
      /BroadcastChannel 'left-open'[\s\S]*channel\.close\(\)/,
      "new BroadcastChannel('left-open')",
    ],
    [
      'an fs.promises.watch() loop never ended',
      /File watcher on [^\n]*leakcheck-watch-[\s\S]*for await/,
      'watch(dir)',
    ],
    [
      'a timers/promises setInterval loop never ended',
      /Interval of 1000 ms[\s\S]*abort it/,
      'every(1000)',
    ],
  ] as const)('%s', (title, report, line) => {
    const message = failure('blind-spots.spec.ts', title)
    expect(message).toMatch(report)
    expect(message).toContain(`test: blind-spots.spec.ts > ${title}`)
    // Vite listens after its own awaits: the stack names Vite's line, not the test's.
    if (line !== undefined) expect(message).toContain(lineOf('kinds/blind-spots.spec.ts', line))
  })
})

describe('handles opened outside any test fail the file', () => {
  it('module top level and beforeAll leaks are reported once, at the file', () => {
    const message = fileMessage(run, 'file-scope.spec.ts')
    expect(message).toContain('2 root causes (2 open handles)')
    expect(message).toMatch(/UDP socket bound to 127\.0\.0\.1:\d+/)
    expect(message).toContain(lineOf('kinds/file-scope.spec.ts', "dgram.createSocket('udp4')"))
    expect(message).toMatch(/TCP server listening on 127\.0\.0\.1:\d+/)
    expect(message).toContain(lineOf('kinds/file-scope.spec.ts', 'net.createServer().listen'))
    expect(message).toContain('test: file-scope.spec.ts (module top level or beforeAll)')
    expect(message).not.toContain('Interval')
  })

  it('inside test.concurrent the test whose work opened a handle is blamed, not the file', () => {
    const message = failure('file-scope.spec.ts', 'concurrent one')
    expect(message).toMatch(
      /Interval of 1000 ms[^\n]*\n\s+test: file-scope\.spec\.ts > concurrent > concurrent one/,
    )
    expect(testResult(run, 'file-scope.spec.ts', 'concurrent two').status).toBe('passed')
  })
})
