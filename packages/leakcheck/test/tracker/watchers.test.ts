import fs, { mkdtempSync, watch, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { beforeEach, describe, expect, it } from 'vitest'
import { describeHandle, useTracker } from './helpers.js'

const { reset, open } = useTracker()
beforeEach(() => reset())
const dir = mkdtempSync(path.join(tmpdir(), 'lc-watch-'))
const file = path.join(dir, 'a.txt')
writeFileSync(file, 'x')

describe('fs watchers', () => {
  it('reports fs.watch (named import too) until closed', () => {
    const watcher = watch(dir)
    const [leak] = open()
    expect(leak?.kind).toBe('fs-watcher')
    expect(describeHandle(leak as never)).toBe(`File watcher on ${dir}`)
    expect(leak?.stack).toContain('watchers.test.ts')
    watcher.close()
    expect(open()).toEqual([])
  })

  it('reports fs.watchFile until fs.unwatchFile', () => {
    fs.watchFile(file, { interval: 1000 }, () => {})
    const [leak] = open()
    expect(leak?.kind).toBe('fs-watcher')
    expect(describeHandle(leak as never)).toBe(`File watcher on ${file}`)
    fs.unwatchFile(file)
    expect(open()).toEqual([])
  })
})
