import { describe, expect, it } from 'vitest'
import { fixture, lastLine, runCli } from './run.js'

// Found in review: Node prints an uncaught error after the 'exit' listeners ran, so the leak
// report came first and the program's own crash output after it.
describe("the report comes after the program's own output", () => {
  it("after an uncaught error's stack, then the verdict", async () => {
    const run = await runCli(['--', ...fixture('crashes-with-server.mjs')])
    const crash = run.stderr.indexOf('Error: boom')
    const report = run.stderr.search(/TCP server listening on 127\.0\.0\.1:\d+/)
    expect(crash).toBeGreaterThanOrEqual(0)
    expect(report).toBeGreaterThan(crash)
    expect(run.stderr.indexOf('Node.js v')).toBeLessThan(report)
    expect(lastLine(run.stderr)).toMatch(/^leakcheck: the program failed with code 1 /)
    expect(run.code).toBe(1)
  })
})
