import { once } from 'node:events'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import type net from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { startServer, type TestServer } from '@foo/testkit'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { codeFrame, fixLine, formatLeaks, userFrames } from '../src/report.js'
import { startTracker } from '../src/tracker/index.js'
import type { OpenHandle } from '../src/tracker/types.js'
// @ts-expect-error plain JS fixture
import { openSocket } from './fixtures/report/opener.mjs'

const here = path.dirname(fileURLToPath(import.meta.url))
const root = path.resolve(here, '..')
const tracker = startTracker()
let server: TestServer

beforeAll(async () => {
  server = await startServer()
})
afterAll(() => server.close())

async function leakSockets(count: number): Promise<{ sockets: net.Socket[]; leaks: OpenHandle[] }> {
  const mark = tracker.mark()
  tracker.setScope({ file: path.join(here, 'report.test.ts'), test: 'leaky test' })
  const sockets: net.Socket[] = []
  for (let i = 0; i < count; i++) sockets.push(openSocket(server.port) as net.Socket)
  tracker.setScope(undefined)
  await Promise.all(sockets.map((socket) => once(socket, 'connect')))
  const leaks = tracker
    .open({ since: mark })
    .filter((h) => h.kind === 'tcp-socket' && !h.description.includes('accepted'))
  return { sockets, leaks }
}

describe('formatLeaks', () => {
  it('groups identical leaks and shows addresses, state, test and the fix', async () => {
    const { sockets, leaks } = await leakSockets(3)
    try {
      expect(leaks).toHaveLength(3)
      const text = formatLeaks(leaks, { root })
      const first = leaks[0] as OpenHandle
      expect(text).toContain('3 open handles left behind (1 distinct):')
      expect(text).toContain(`3x ${first.description} (active)`)
      expect(first.remote).toBe(`127.0.0.1:${server.port}`)
      expect(text).toContain(`-> 127.0.0.1:${server.port}`)
      expect(text).toContain('test: test/report.test.ts > leaky test')
      expect(text).toContain(fixLine(first))
      expect(fixLine(first)).toContain('socket.destroy()')
    } finally {
      for (const socket of sockets) socket.destroy()
    }
  })

  it('trims the stack to user frames and shows a code frame of the opening line', async () => {
    const { sockets, leaks } = await leakSockets(1)
    try {
      const leak = leaks[0] as OpenHandle
      const frames = userFrames(leak.stack)
      expect(frames[0]?.file).toBe(path.join(here, 'fixtures/report/opener.mjs'))
      expect(frames[0]?.line).toBe(4)
      expect(frames.some((f) => f.file.includes('node_modules'))).toBe(false)
      expect(leak.stack).toMatch(/node:|src[\\/]tracker/) // the raw stack has the noise...
      const text = formatLeaks(leaks, { root })
      expect(text).not.toMatch(/\bnode:net\b|src\/tracker\//) // ...the report does not
      expect(text).toContain('at openSocket (test/fixtures/report/opener.mjs:4:')
      const source = readFileSync(path.join(here, 'fixtures/report/opener.mjs'), 'utf8')
      const openingLine = source.split('\n')[3] as string
      expect(text).toContain(`> 4 | ${openingLine}`)
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
    const leak: OpenHandle = {
      id: 1,
      kind: 'tcp-server',
      state: 'active',
      scope: {},
      stack: `Error\n    at listen (${path.join(dir, 'bundle.js')}:1:1)`,
      description: 'TCP server listening on 127.0.0.1:1',
    }
    const text = formatLeaks([leak], { root: dir })
    expect(text).toContain('(source: listen (original.ts:3:7))')
    expect(text).toContain('> 3 | const server = listen()')
  })

  it('says when no user code is in the stack, and names an owner', () => {
    const leak: OpenHandle = {
      id: 1,
      kind: 'tcp-socket',
      state: 'idle-keep-alive',
      pool: 'undici',
      scope: { file: '/x/a.test.ts', test: 't', concurrent: true },
      stack: 'Error\n    at connect (node:net:1:1)',
      owner: {
        name: 'Api',
        createdAt: `    at new Api (${path.join(tmpdir(), 'app/src/app.ts')}:3:15)`,
        reachable: true,
      },
      description: 'TCP socket 127.0.0.1:1 -> 127.0.0.1:2',
    }
    const text = formatLeaks([leak], { root: path.join(tmpdir(), 'app') })
    expect(text).toContain('(idle in an undici keep-alive pool)')
    expect(text).toContain('opened at: (no user code in the stack)')
    expect(text).toContain(
      'owner: @foo/client Api, created at new Api (src/app.ts:3:15) (still reachable)',
    )
    expect(text).toContain('concurrent: attributed to the file')
    expect(fixLine(leak)).toContain('await client.close()')
  })

  it('gives a fix line for every kind', () => {
    const kinds = [
      'tcp-server',
      'udp-socket',
      'child-process',
      'worker',
      'fs-watcher',
      'timer',
      'interval',
    ] as const
    const fixes = kinds.map((kind) =>
      fixLine({ id: 1, kind, state: 'active', scope: {}, stack: '', description: kind }),
    )
    expect(new Set(fixes).size).toBe(kinds.length)
    expect(fixes[0]).toContain('server.close')
    expect(fixes[3]).toContain('worker.terminate()')
  })

  it('returns a code frame only for lines that exist', () => {
    const file = fileURLToPath(import.meta.url)
    expect(codeFrame({ file, line: 100_000, column: 1 })).toBeUndefined()
    expect(codeFrame({ file: '/does/not/exist.js', line: 1, column: 1 })).toBeUndefined()
  })
})
