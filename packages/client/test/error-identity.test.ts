import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ClientError, HttpError, isHttpError } from '../src/index.js'
import { type Copies, loadCopies } from './helpers/copies.js'

type Module = typeof import('../src/index.js')

let copies: Copies<Module>
let copyA: Module
let copyB: Module

// Two copies of the BUILT package, as two versions in node_modules would be.
beforeAll(async () => {
  copies = await loadCopies<Module>('index.js')
  copyA = copies.a
  copyB = copies.b
})
afterAll(() => copies.remove())

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
