import { describe, expect, it } from 'vitest'
import { isLeakcheckError } from '../../src/errors.js'
import { DEFAULT_OPTIONS, fromProvided, resolveOptions } from '../../src/options.js'

function rejection(input: unknown): { code: string; message: string } {
  try {
    resolveOptions(input)
  } catch (error) {
    if (!isLeakcheckError(error)) throw error
    return { code: error.code, message: error.message }
  }
  throw new Error(`resolveOptions accepted ${JSON.stringify(input)}`)
}

describe('resolveOptions', () => {
  it('fills in the strict defaults', () => {
    expect(resolveOptions()).toEqual({
      mode: 'fail',
      scope: 'test',
      settleMs: 1000,
      shortTimerMs: 5000,
      allow: [],
    })
    expect(resolveOptions({})).toEqual(DEFAULT_OPTIONS)
  })

  it('keeps valid options and flattens RegExps so they cross into any pool', () => {
    const resolved = resolveOptions({
      mode: 'warn',
      scope: 'file',
      settleMs: 0,
      shortTimerMs: 0,
      allow: [{ kind: 'tcp-server' }, { host: /\.internal$/i, port: 6379 }, { createdBy: 'redis' }],
    })
    expect(resolved).toEqual({
      mode: 'warn',
      scope: 'file',
      settleMs: 0,
      shortTimerMs: 0,
      allow: [
        { kind: ['tcp-server'] },
        { host: { source: '\\.internal$', flags: 'i' }, port: 6379 },
        { createdBy: 'redis' },
      ],
    })
    // Survives a structured clone (what test.provide does between processes and realms).
    const { allow } = fromProvided(structuredClone(resolved))
    expect(allow[1]?.host).toEqual(/\.internal$/i)
    expect(String(allow[1]?.host)).toBe('/\\.internal$/i')
    expect(allow[1]?.host instanceof RegExp && allow[1].host.test('db.INTERNAL')).toBe(true)
  })

  it.each([
    ['a non-object', 'fail', /takes an options object, got the string "fail"/],
    ['an unknown key with a suggestion', { setleMs: 5 }, /unknown option `setleMs`/],
    ['a near-miss key', { Mode: 'warn' }, /Did you mean `mode`\?/],
    ['a bad mode', { mode: 'loud' }, /`mode` must be 'fail' or 'warn', got the string "loud"/],
    ['a bad scope', { scope: 'suite' }, /`scope` must be 'test' or 'file'/],
    ['a negative settleMs', { settleMs: -1 }, /`settleMs` must be a number of milliseconds from 0/],
    ['a NaN settleMs', { settleMs: Number.NaN }, /`settleMs`/],
    ['a huge settleMs', { settleMs: 3_600_000 }, /from 0 to 60000/],
    ['a fractional shortTimerMs', { shortTimerMs: 1.5 }, /`shortTimerMs` must be a whole number/],
    ['a string shortTimerMs', { shortTimerMs: '5s' }, /`shortTimerMs`/],
  ])('rejects %s with LEAKCHECK_INVALID_OPTION and a fix', (_name, input, message) => {
    const error = rejection(input)
    expect(error.code).toBe('LEAKCHECK_INVALID_OPTION')
    expect(error.message).toMatch(message)
  })

  it.each([
    ['allow not an array', { allow: { kind: 'timer' } }, /`allow` must be an array of rules/],
    ['an empty rule', { allow: [{}] }, /`allow\[0\]` is empty, so it would allow every handle/],
    ['a rule that is a string', { allow: ['redis'] }, /`allow\[0\]` must be an object/],
    [
      'an unknown kind',
      { allow: [{ kind: 'socket' }] },
      /`allow\[0\].kind` has the string "socket"/,
    ],
    [
      'a bad port',
      { allow: [{ port: 70000 }] },
      /`allow\[0\].port` must be an integer from 0 to 65535/,
    ],
    [
      'an empty host',
      { allow: [{ host: '' }] },
      /`allow\[0\].host` must be a non-empty string or a RegExp/,
    ],
    ['an unknown rule key', { allow: [{ hostname: 'x' }] }, /unknown field `hostname`/],
  ])('rejects %s with LEAKCHECK_INVALID_ALLOW_RULE and a fix', (_name, input, message) => {
    const error = rejection(input)
    expect(error.code).toBe('LEAKCHECK_INVALID_ALLOW_RULE')
    expect(error.message).toMatch(message)
  })

  it('falls back to the defaults when nothing was provided (setup file without the plugin)', () => {
    expect(fromProvided(undefined)).toEqual({ options: DEFAULT_OPTIONS, allow: [] })
  })
})
