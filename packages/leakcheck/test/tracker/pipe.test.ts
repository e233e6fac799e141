import { once } from 'node:events'
import { mkdtempSync } from 'node:fs'
import net from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { beforeEach, describe, expect, it } from 'vitest'
import { describeHandle, useTracker } from './helpers.js'

const { reset, open, settle } = useTracker()
beforeEach(() => reset())

const pipePath = () =>
  process.platform === 'win32'
    ? `\\\\.\\pipe\\leakcheck-${process.pid}-${Date.now()}`
    : path.join(mkdtempSync(path.join(tmpdir(), 'lc-')), 's.sock')

describe('pipes', () => {
  it('reports a pipe server and a pipe client, kind pipe', async () => {
    const where = pipePath()
    const server = net.createServer()
    server.listen(where)
    await once(server, 'listening')
    const client = net.connect(where)
    await once(client, 'connect')
    const handles = open()
    expect(handles.map((h) => h.kind)).toEqual(['pipe', 'pipe', 'pipe'])
    expect(describeHandle(handles[0] as never)).toBe(`Pipe server listening on ${where}`)
    expect(
      handles.some((h) => describeHandle(h).startsWith('Pipe') && h.stack.includes('pipe.test.ts')),
    ).toBe(true)
    client.destroy()
    server.close()
    const { handles: leaks } = await settle()
    expect(leaks).toEqual([])
  })
})
