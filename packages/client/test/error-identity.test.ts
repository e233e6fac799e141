import { cp, mkdir, mkdtemp, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ClientError, HttpError, isHttpError } from '../src/index.js'

type Module = typeof import('../src/index.js')

const dist = new URL('../dist/', import.meta.url)
let root: string
let copyA: Module
let copyB: Module

// Two copies of the BUILT package, as two versions in node_modules would be (inside the
// package so that `undici` resolves).
beforeAll(async () => {
  const cache = new URL('../node_modules/.cache/', import.meta.url)
  await mkdir(cache, { recursive: true })
  root = await mkdtemp(join(cache.pathname, 'copies-'))
  const load = async (name: string) => {
    await cp(dist, join(root, name), { recursive: true })
    return (await import(pathToFileURL(join(root, name, 'index.js')).href)) as Module
  }
  copyA = await load('a')
  copyB = await load('b')
})
afterAll(() => rm(root, { recursive: true, force: true }))

const details = { status: 404, method: 'GET', url: 'https://x/', headers: {}, body: '' }

describe('instanceof across two installed copies', () => {
  it('an HttpError of one copy is an HttpError and a ClientError of the other', () => {
    const fromA = new copyA.HttpError(details)
    expect(copyA.HttpError).not.toBe(copyB.HttpError)
    expect(fromA instanceof copyB.HttpError).toBe(true)
    expect(fromA instanceof copyB.ClientError).toBe(true)
    expect(copyB.isHttpError(fromA)).toBe(true)
    expect(fromA instanceof HttpError).toBe(true)
  })

  it('a ClientError is not an HttpError; unrelated values are neither', () => {
    const plain = new copyA.ClientError('FOO_ERR_TIMEOUT', 't')
    expect(plain instanceof copyB.HttpError).toBe(false)
    expect(isHttpError(plain)).toBe(false)
    for (const value of [null, undefined, {}, new Error('x'), 'HttpError']) {
      expect(value instanceof HttpError).toBe(false)
      expect(value instanceof ClientError).toBe(false)
    }
  })

  it('a subclass of yours keeps the ordinary check', () => {
    class NotFound extends HttpError {}
    expect(new NotFound(details) instanceof NotFound).toBe(true)
    expect(new HttpError(details) instanceof NotFound).toBe(false)
    expect(new NotFound(details) instanceof HttpError).toBe(true)
  })
})
