import { type Observer, startObserver } from '@foo/testkit'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { endings, runFixture } from './run.js'

// The server keeps idle connections 60 s: a client that kept the process alive through its
// keep-alive sockets would take ~60 s to exit (and be killed at 30 s by the harness).
let observer: Observer
beforeEach(async () => {
  observer = await startObserver({ keepAliveTimeout: 60_000 })
})
afterEach(() => observer.close())

describe('exit paths: the program simply ends', () => {
  it('natural end without close(): exits 0 at once, the server sees a FIN on each connection', async () => {
    const run = await runFixture(observer, 'natural-end.mjs')
    expect(run).toMatchObject({ code: 0, signal: null, stderr: '' })
    expect(run.stdout).toContain('[true,true]')
    expect(run.ms).toBeLessThan(5_000)
    expect(endings(run)).toEqual(['http:fin', 'https:fin'])
  })

  it('forked child with an IPC channel: ends on its own (no listener keeps the channel open)', async () => {
    const run = await runFixture(observer, 'natural-end.mjs', { ipc: true })
    expect(run).toMatchObject({ code: 0, signal: null, stderr: '' })
    expect(run.ms).toBeLessThan(5_000)
    expect(endings(run)).toEqual(['http:fin', 'https:fin'])
  })

  it('inside a worker thread: the worker ends, then the process', async () => {
    const run = await runFixture(observer, 'worker.mjs')
    expect(run).toMatchObject({ code: 0, signal: null, stderr: '' })
    expect(run.stdout).toContain('{"workerExit":0}')
    expect(run.ms).toBeLessThan(5_000)
    expect(endings(run)).toEqual(['http:fin', 'https:fin'])
  })
})
