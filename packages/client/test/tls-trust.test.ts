import { rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type FaultServer, startFaultServer } from '@foo/testkit'
import { describe, expect, it, onTestFinished } from 'vitest'
import { runFixture } from './helpers/fixture.js'

// Node reads NODE_EXTRA_CA_CERTS at startup and NODE_TLS_REJECT_UNAUTHORIZED per connection:
// both are process environment, so each case is a real child process.
async function httpsServer(): Promise<FaultServer> {
  const server = await startFaultServer({ protocol: 'https' })
  onTestFinished(() => server.close())
  return server
}

describe('TLS trust', () => {
  it('NODE_EXTRA_CA_CERTS stays trusted when the client is also given a ca', async () => {
    const server = await httpsServer()
    const file = join(tmpdir(), `foo-client-extra-ca-${process.pid}-${Date.now()}.pem`)
    writeFileSync(file, server.ca ?? '')
    onTestFinished(() => rmSync(file, { force: true }))
    const run = await runFixture('tls-trust.mjs', {
      env: { MODE: 'extra-ca', ORIGIN: server.origin, NODE_EXTRA_CA_CERTS: file },
    })
    expect(run).toMatchObject({ code: 0, signal: null, stderr: '' })
    expect(JSON.parse(run.stdout)).toEqual({ extraCaServer: 'ok', caServer: 'ok' })
    expect(server.counts().requests).toBe(1)
  })

  it('NODE_TLS_REJECT_UNAUTHORIZED=0 does not turn verification off: FOO_ERR_TLS, nothing sent', async () => {
    const server = await httpsServer()
    const run = await runFixture('tls-trust.mjs', {
      env: { MODE: 'reject-env-off', ORIGIN: server.origin, NODE_TLS_REJECT_UNAUTHORIZED: '0' },
    })
    expect(run).toMatchObject({ code: 0, signal: null })
    expect(JSON.parse(run.stdout)).toEqual({ unverifiedServer: 'FOO_ERR_TLS' })
    expect(server.counts().requests).toBe(0)
  })
})
