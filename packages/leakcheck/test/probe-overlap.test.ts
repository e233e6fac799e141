import net from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { track } from '../src/probe.js'

const servers: net.Server[] = []

async function listen(): Promise<net.Server> {
  const server = net.createServer()
  servers.push(server)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return server
}

afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))))
})

// Found in review: overlapping probes (concurrent node:test tests) shared the tracker the first
// one started, and that one's stop() blinded the others.
describe('overlapping track() probes', () => {
  it('a probe still running sees new handles after the probe that started the tracker stopped', async () => {
    const first = track()
    const second = track()
    first.stop()
    await listen()
    const leaks = await second.leaks({ settleMs: 100 })
    second.stop()
    expect(leaks.map((h) => h.kind)).toEqual(['tcp-server'])
  })

  it('the tracker stops with the last probe', async () => {
    const first = track()
    const second = track()
    second.stop()
    first.stop()
    // A new probe starts a fresh tracker: nothing from before it is reported.
    await listen()
    const third = track()
    const leaks = await third.leaks({ settleMs: 100 })
    third.stop()
    expect(leaks).toEqual([])
  })

  it('allow rules with a /g RegExp match every handle, not every other one', async () => {
    const probe = track({ allow: [{ kind: 'tcp-server', createdBy: /probe-overlap/g }] })
    for (let i = 0; i < 4; i++) await listen()
    const leaks = await probe.leaks({ settleMs: 100 })
    probe.stop()
    expect(leaks).toEqual([])
  })
})

describe('track({ allow }) validation', () => {
  it('rejects an empty host or createdBy (they would allow every socket) and ports above 65535, as the plugin does', () => {
    for (const rule of [{ host: '' }, { createdBy: '' }, { port: 70_000 }]) {
      expect(() => track({ allow: [rule] })).toThrow(
        expect.objectContaining({ code: 'LEAKCHECK_INVALID_ALLOW_RULE' }),
      )
    }
  })
})
