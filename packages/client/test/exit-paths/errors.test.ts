import { type Observer, startObserver } from '@foo/testkit'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { endings, runFixture } from './run.js'

let observer: Observer
beforeEach(async () => {
  observer = await startObserver({ keepAliveTimeout: 60_000 })
})
afterEach(() => observer.close())

describe('exit paths: the program is ended by code', () => {
  it('process.exit(n) right after requests: keeps the exit code, sockets destroyed by the exit listener', async () => {
    const run = await runFixture(observer, 'process-exit.mjs', { env: { EXIT_CODE: '3' } })
    expect(run).toMatchObject({ code: 3, signal: null, stderr: '' })
    expect(run.stdout).toContain('{"openAtExit":0}')
    expect(run.ms).toBeLessThan(5_000)
    expect(endings(run)).toEqual(['http:fin', 'https:fin'])
  })

  it('process.exit(0) keeps 0', async () => {
    const run = await runFixture(observer, 'process-exit.mjs', { env: { EXIT_CODE: '0' } })
    expect(run).toMatchObject({ code: 0, signal: null, stderr: '' })
  })

  it('uncaught exception: exits 1 with only the error on stderr', async () => {
    const run = await runFixture(observer, 'uncaught-exception.mjs')
    expect(run).toMatchObject({ code: 1, signal: null })
    expect(run.stderr).toContain('Error: uncaught boom')
    expect(run.stderr).not.toMatch(/Warning|Assertion/)
    expect(run.ms).toBeLessThan(5_000)
    expect(endings(run)).toEqual(['http:fin', 'https:fin'])
  })

  it('unhandled rejection: exits 1 with only the error on stderr', async () => {
    const run = await runFixture(observer, 'unhandled-rejection.mjs')
    expect(run).toMatchObject({ code: 1, signal: null })
    expect(run.stderr).toContain('Error: unhandled boom')
    expect(run.stderr).not.toMatch(/Warning|Assertion/)
    expect(run.ms).toBeLessThan(5_000)
    expect(endings(run)).toEqual(['http:fin', 'https:fin'])
  })
})
