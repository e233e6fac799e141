import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { runNode } from '@foo/testkit'
import { describe, expect, it } from 'vitest'

const fixture = fileURLToPath(new URL('../fixtures/finalizer.mjs', import.meta.url))

async function finalizerRun(
  env: NodeJS.ProcessEnv,
): Promise<{ collected: boolean; closed: boolean }> {
  const { code, stdout, stderr } = await runNode([fixture], { env, timeoutMs: 20_000 })
  expect({ code, stderr }).toEqual({ code: 0, stderr: '' })
  return JSON.parse(stdout)
}

describe('finalizers and NODE_V8_COVERAGE (nodejs/node#49344)', () => {
  it('close the resource after the owner is collected when coverage is off', async () => {
    const env = { ...process.env }
    delete env.NODE_V8_COVERAGE
    expect(await finalizerRun(env)).toEqual({ collected: true, closed: true })
  })

  it('are off when NODE_V8_COVERAGE is set: the owner is collected, the resource is left to exit', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'foo-coverage-'))
    try {
      expect(await finalizerRun({ ...process.env, NODE_V8_COVERAGE: dir })).toEqual({
        collected: true,
        closed: false,
      })
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })
})
