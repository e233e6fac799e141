import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { beforeEach, describe, expect, it } from 'vitest'
import { describeHandle, useTracker } from './helpers.js'

const { reset, open, settle } = useTracker()
beforeEach(() => reset())

describe('child processes', () => {
  it('reports a running child until it exits', async () => {
    const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)'], {
      stdio: 'ignore',
    })
    const [leak] = open()
    expect(leak?.kind).toBe('child-process')
    expect(describeHandle(leak as never)).toContain(`pid ${child.pid}`)
    expect(leak?.stack).toContain('child-process.test.ts')
    child.kill()
    await once(child, 'exit')
    expect(open()).toEqual([])
  })

  it("reports an unref'd child as unref", async () => {
    const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)'], {
      stdio: 'ignore',
    })
    child.unref()
    expect(open().map((h) => h.state)).toEqual(['unref'])
    child.kill()
    await once(child, 'exit')
  })

  it('a child awaited to its end is not a leak', async () => {
    const child = spawn(process.execPath, ['-e', 'process.stdout.write("hi")'])
    child.stdout.resume()
    await once(child, 'exit')
    const { handles: leaks } = await settle()
    expect(leaks).toEqual([])
  })
})
