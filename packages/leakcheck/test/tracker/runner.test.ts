import { describe, expect, it } from 'vitest'
import { parseStack } from '../../src/frames.js'
import { createdByRunner } from '../../src/tracker/runner.js'

const frames = (...files: string[]) =>
  parseStack(['Error', ...files.map((f) => `    at fn (${f}:1:1)`)].join('\n'))

describe("the runner's own handles", () => {
  it('are those whose first frame outside Node and leakcheck is Vitest, tinypool or Vite', () => {
    const vitest =
      '/repo/node_modules/.pnpm/@vitest+runner@4.1.12/node_modules/@vitest/runner/dist/index.js'
    expect(
      createdByRunner(frames('node:internal/timers', '/repo/node_modules/leakcheck-x/a.js')),
    ).toBe(false)
    expect(createdByRunner(frames('node:net', vitest, '/repo/test/a.test.ts'))).toBe(true)
    expect(createdByRunner(frames('/repo/node_modules/tinypool/dist/index.js'))).toBe(true)
    expect(createdByRunner(frames('/repo/packages/leakcheck/src/tracker/timers.ts', vitest))).toBe(
      true,
    )
    expect(createdByRunner(frames('/repo/test/a.test.ts', vitest))).toBe(false)
    expect(createdByRunner(frames('/repo/node_modules/undici/lib/core/connect.js', vitest))).toBe(
      false,
    )
    expect(createdByRunner(parseStack('Error'))).toBe(false)
  })
})
