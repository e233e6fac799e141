import { once } from 'node:events'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import type net from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { startServer, type TestServer } from '@foo/testkit'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { check } from '../src/check.js'
import { codeFrame } from '../src/code-frame.js'
import { fixLine } from '../src/fix.js'
import { actionableFrame, parseStack, userFrames } from '../src/frames.js'
import { judge } from '../src/policy.js'
import { describeHandle, formatGroups, formatLeaks } from '../src/report.js'
import { startTracker } from '../src/tracker/index.js'
import type { OpenHandle } from '../src/tracker/types.js'
// @ts-expect-error plain JS fixture
import { openSocket } from './fixtures/report/opener.mjs'

const here = path.dirname(fileURLToPath(import.meta.url))
const root = path.resolve(here, '..')
const testFile = path.join(here, 'report.test.ts')
const tracker = startTracker()
let server: TestServer

beforeAll(async () => {
  server = await startServer()
})
afterAll(() => server.close())

async function leakSockets(count: number): Promise<{ sockets: net.Socket[]; leaks: OpenHandle[] }> {
  const mark = tracker.mark()
  const sockets: net.Socket[] = tracker.run({ file: testFile, test: 'leaky test' }, () =>
    Array.from({ length: count }, () => openSocket(server.port) as net.Socket),
  )
  await Promise.all(sockets.map((socket) => once(socket, 'connect')))
  const leaks = tracker.open({ since: mark }).filter((h) => h.role === 'client')
  return { sockets, leaks }
}

describe('formatLeaks', () => {
  it('groups identical leaks and shows addresses, state, test and the fix', async () => {
    const { sockets, leaks } = await leakSockets(3)
    try {
      expect(leaks).toHaveLength(3)
      const text = formatLeaks(leaks, { root })
      const first = leaks[0] as OpenHandle
      expect(text).toContain('1 root cause (3 open handles):')
      expect(text).toContain(`3x ${describeHandle(first)} (active)`)
      expect(first.remote).toEqual({ address: '127.0.0.1', port: server.port })
      expect(text).toContain(`-> 127.0.0.1:${server.port}`)
      expect(text).toContain('test: test/report.test.ts > leaky test')
      expect(text).toContain('socket.destroy()')
    } finally {
      for (const socket of sockets) socket.destroy()
    }
  })

  it('trims the stack to user frames and shows a code frame of the opening line', async () => {
    const { sockets, leaks } = await leakSockets(1)
    try {
      const leak = leaks[0] as OpenHandle
      const frames = userFrames(leak.frames)
      expect(frames[0]?.file).toBe(path.join(here, 'fixtures/report/opener.mjs'))
      expect(frames[0]?.line).toBe(4)
      expect(frames.some((f) => f.file.includes('node_modules'))).toBe(false)
      expect(leak.stack).toMatch(/node:|src[\\/]tracker/) // the raw stack has the noise...
      const text = formatLeaks(leaks, { root })
      expect(text).not.toMatch(/\bnode:net\b|src\/tracker\//) // ...the report does not
      expect(text).toContain('at openSocket (test/fixtures/report/opener.mjs:4:')
      // The code frame is the user's own line: the call in this test file, not the helper.
      const ownLine = actionableFrame(leak.frames, testFile)
      expect(ownLine?.file).toBe(testFile)
      const source = readFileSync(testFile, 'utf8').split('\n')
      expect(text).toContain(`> ${ownLine?.line} | ${source[(ownLine?.line ?? 0) - 1]}`)
      expect(text).toMatch(/\n\s+\| +\^\n/)
    } finally {
      for (const socket of sockets) socket.destroy()
    }
  })

  it('follows a sibling .map to the original source', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'leakcheck-map-'))
    writeFileSync(
      path.join(dir, 'original.ts'),
      'const a = 1\nconst b = 2\nconst server = listen()\n',
    )
    // Generated line 1 col 0 maps to original line 3 col 6 (VLQ: AAEM).
    writeFileSync(path.join(dir, 'bundle.js'), 'listen()\n')
    writeFileSync(
      path.join(dir, 'bundle.js.map'),
      JSON.stringify({
        version: 3,
        file: 'bundle.js',
        sources: ['original.ts'],
        names: [],
        mappings: 'AAEM',
      }),
    )
    const stack = `Error\n    at listen (${path.join(dir, 'bundle.js')}:1:1)`
    const leak: OpenHandle = {
      id: 1,
      kind: 'tcp-server',
      state: 'active',
      scope: {},
      local: { address: '127.0.0.1', port: 1 },
      frames: parseStack(stack),
      stack,
    }
    const text = formatLeaks([leak], { root: dir })
    expect(text).toContain('(code: listen (original.ts:3:7))')
    expect(text).toContain('> 3 | const server = listen()')
  })

  it('says when no user code is in the stack, and names an owner', () => {
    const stack = 'Error\n    at connect (node:net:1:1)'
    const leak: OpenHandle = {
      id: 1,
      kind: 'tcp-socket',
      role: 'client',
      state: 'active',
      owner: {
        type: 'foo-client',
        name: 'Api',
        createdAt: `    at new Api (${path.join(tmpdir(), 'app/src/app.ts')}:3:15)`,
        reachable: true,
      },
      lastUsedBy: { file: '/x/a.test.ts', test: 't' },
      scope: { file: '/x/a.test.ts', test: 't' },
      local: { address: '127.0.0.1', port: 1 },
      remote: { address: '127.0.0.1', port: 2 },
      frames: parseStack(stack),
      stack,
    }
    const [group] = judge([leak], { at: 'test', file: '/x/a.test.ts', test: 't' }).leaks
    const text = formatGroups(group === undefined ? [] : [group], {
      root: path.join(tmpdir(), 'app'),
    })
    expect(text).toContain('(active: a request is unfinished)')
    expect(text).toContain('opened at: (no user code in the stack)')
    expect(text).toContain(
      'owner: @foo/client Api, created at new Api (src/app.ts:3:15) (still reachable)',
    )
    expect(text).toContain('left busy by: /x/a.test.ts > t')
    expect(text).toContain('response.body.text()')
  })

  it('gives each kind its own fix line, worded for tests or for programs', () => {
    const kinds = [
      'tcp-server',
      'udp-socket',
      'child-process',
      'worker',
      'fs-watcher',
      'timer',
      'interval',
    ] as const
    const handles = kinds.map(
      (kind, i): OpenHandle => ({
        id: i + 1,
        kind,
        state: 'active',
        delayMs: 60_000,
        scope: { file: '/x/a.test.ts', test: 't' },
        frames: [],
        stack: '',
      }),
    )
    const groups = judge(handles, { at: 'test', file: '/x/a.test.ts', test: 't' }).leaks
    const fixes = groups.map((g) => fixLine(g))
    expect(new Set(fixes).size).toBe(kinds.length)
    expect(fixes[0]).toContain('server.close')
    expect(fixes[3]).toContain('worker.terminate()')
    expect(fixes.every((fix) => fix.includes('before the test ends'))).toBe(true)
    const forProgram = groups.map((g) => fixLine(g, 'program'))
    expect(forProgram.every((fix) => fix.includes('before the program exits'))).toBe(true)
    expect(forProgram.some((fix) => /afterEach|afterAll|test/.test(fix))).toBe(false)
  })

  it('returns a code frame only for lines that exist', () => {
    const file = fileURLToPath(import.meta.url)
    expect(codeFrame({ file, line: 100_000, column: 1 })).toBeUndefined()
    expect(codeFrame({ file: '/does/not/exist.js', line: 1, column: 1 })).toBeUndefined()
  })

  it('a check reports an idle open socket at once and an empty verdict as no open handles', async () => {
    const { sockets } = await leakSockets(1)
    try {
      const verdict = await check(tracker, { at: 'test', file: testFile, test: 'leaky test' })
      expect(verdict.leaks).toHaveLength(1)
    } finally {
      for (const socket of sockets) socket.destroy()
    }
    expect(formatGroups([])).toBe('No open handles.')
  })
})
