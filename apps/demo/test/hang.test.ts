import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createCertificate } from '@foo/testkit'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { resolveNodes } from '../src/nodes.js'
import { type RunContext, runScenario } from '../src/run.js'
import type { Scenario } from '../src/scenarios.js'

let dir: string
let context: RunContext
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'demo-hang-'))
  const caFile = join(dir, 'ca.pem')
  writeFileSync(caFile, (await createCertificate()).cert)
  const [node] = resolveNodes([])
  if (!node) throw new Error('no node')
  context = { node, caFile, timeoutMs: 1500, platform: process.platform }
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const hang: Scenario = {
  id: 'hang',
  title: 'never ends',
  file: '../test/fixtures/hang.mjs',
  expect: { exit: { code: 0 }, maxExitMs: 3000 },
}

it.skipIf(process.platform === 'win32')(
  'kills a program that does not exit in time and says what kept it alive (why-is-node-running)',
  async () => {
    const result = await runScenario(hang, 'undici', context, async () => ({ verdict: 'clean' }))
    expect(result.status).toBe('fail')
    expect(result.seenExit).toBe('timeout')
    expect(result.reasons).toContain('did not exit in time: killed')
    expect(result.leakcheck.verdict).toBe('n/a')
    expect(result.diagnosis).toMatch(/There are \d+ handle\(s\) keeping the process running/)
    expect(result.diagnosis).toMatch(/hang\.mjs/)
  },
)
