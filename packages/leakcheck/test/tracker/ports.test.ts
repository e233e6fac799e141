import { once } from 'node:events'
import { mkdtempSync } from 'node:fs'
import { watch } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { setInterval as everyMs, setTimeout as sleep } from 'node:timers/promises'
import { BroadcastChannel, MessageChannel, MessagePort } from 'node:worker_threads'
import { beforeEach, describe, expect, it } from 'vitest'
import { describeHandle, useTracker } from './helpers.js'

const { reset, open, settle } = useTracker()
beforeEach(() => reset())

describe('ports and the promise/iterator APIs', () => {
  it('a MessagePort is reported while something listens on it, until it is closed', async () => {
    const { port1, port2 } = new MessageChannel()
    expect(port1).toBeInstanceOf(MessagePort)
    expect((await settle()).handles).toEqual([])
    port1.on('message', () => {})
    const [leak] = (await settle()).handles
    expect(leak?.kind).toBe('message-port')
    expect(describeHandle(leak as never)).toBe("MessagePort with a 'message' listener")
    expect(leak?.stack).toContain('ports.test.ts')
    port1.close()
    await once(port2, 'close')
    expect((await settle()).handles).toEqual([])
  })

  it('a BroadcastChannel is reported until it is closed', async () => {
    const channel = new BroadcastChannel('leakcheck-test')
    expect(open().map((h) => [h.kind, h.path])).toEqual([['broadcast-channel', 'leakcheck-test']])
    channel.close()
    expect((await settle()).handles).toEqual([])
  })

  it('an fs.promises.watch() iterator is a watcher until its loop ends', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'leakcheck-watch-'))
    const controller = new AbortController()
    const watcher = watch(dir, { signal: controller.signal })
    expect(open().map((h) => [h.kind, h.path])).toEqual([['fs-watcher', dir]])
    const loop = (async () => {
      try {
        for await (const _ of watcher) break
      } catch {
        // aborted
      }
    })()
    controller.abort()
    await loop
    expect((await settle()).handles).toEqual([])
  })

  it('timers/promises: a pending setTimeout is a timer, a setInterval loop an interval', async () => {
    const pending = sleep(60_000, undefined, { signal: AbortSignal.timeout(50) }).catch(() => {})
    expect(open().map((h) => [h.kind, h.delayMs])).toContainEqual(['timer', 60_000])
    await pending
    const ticks = everyMs(1000)
    expect(open().map((h) => [h.kind, h.delayMs])).toEqual([['interval', 1000]])
    await ticks.return?.()
    expect((await settle()).handles).toEqual([])
  })
})
