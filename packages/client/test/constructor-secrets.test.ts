import { describe, expect, it, onTestFinished } from 'vitest'
import { Client, ClientError } from '../src/index.js'
import { expectThrows } from './helpers/expect.js'
import { secretsShown } from './helpers/renderings.js'

// A baseUrl's userinfo is a credential: a constructor error must never show it, and a malformed
// one is bad input like any other (a typed error, not a raw URIError).
const PASSWORD = 'pw-SECRET-1f4b'

describe('a baseUrl with user:password@ that cannot be used', () => {
  it.each([
    ['an invalid port', `https://user:${PASSWORD}@api.example.com:99999/v1`],
    ['a space in the host', `https://user:${PASSWORD}@api example.com/v1`],
    ['no scheme', `user:${PASSWORD}@api.example.com:99999`],
    ['a slash in the password', `https://user:${PASSWORD}/x@api.example.com:99999`],
  ])('%s: FOO_ERR_INVALID_ARGUMENT that never shows the password', async (_what, baseUrl) => {
    const error = await expectThrows(
      () => new Client({ baseUrl }),
      ClientError,
      'FOO_ERR_INVALID_ARGUMENT',
    )
    expect(secretsShown(error, [PASSWORD])).toEqual([])
    expect(error.message).toMatch(/baseUrl/)
  })

  it.each([
    ['in the password', `https://user:${PASSWORD}%zz@api.example.com/v1`],
    ['in the user name', `https://us%E0%A4%A@api.example.com/v1`],
  ])(
    'a malformed percent-escape %s: FOO_ERR_INVALID_ARGUMENT saying how to fix it, not a URIError',
    async (_where, baseUrl) => {
      const error = await expectThrows(
        () => new Client({ baseUrl }),
        ClientError,
        'FOO_ERR_INVALID_ARGUMENT',
      )
      expect(error.message).toContain('malformed percent-escape')
      expect(error.message).toContain('encodeURIComponent')
      expect(secretsShown(error, [PASSWORD])).toEqual([])
    },
  )

  it('a valid one still becomes a Basic authorization header, shown nowhere', () => {
    const client = new Client({
      baseUrl: `https://user:${encodeURIComponent(PASSWORD)}@api.example.com/v1`,
    })
    onTestFinished(() => client.destroy())
    expect(String(client)).toBe('Client(https://api.example.com/v1)')
    expect(JSON.stringify(client)).not.toContain(PASSWORD)
  })
})
