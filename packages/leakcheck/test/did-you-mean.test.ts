import { describe, expect, it } from 'vitest'
import { resolveOptions } from '../src/options.js'
import { validateAllowRules } from '../src/tracker/allow.js'

// Found by a newcomer: the README promised "Did you mean `settleMs`?" for `setleMs`, but the
// suggestion only matched a different case or a prefix, so no suggestion was printed.
describe('did-you-mean in option errors', () => {
  it.each([
    ['setleMs', 'settleMs'],
    ['settleMS', 'settleMs'],
    ['scpoe', 'scope'],
    ['alow', 'allow'],
    ['Mode', 'mode'],
  ])('leakcheck({ %s }) suggests `%s`', (key, suggestion) => {
    expect(() => resolveOptions({ [key]: 1 })).toThrow(
      expect.objectContaining({
        code: 'LEAKCHECK_INVALID_OPTION',
        message: expect.stringContaining(
          `leakcheck(): unknown option \`${key}\`. Did you mean \`${suggestion}\`?`,
        ),
      }),
    )
  })

  it('suggests nothing for a name that is not close to any option', () => {
    expect(() => resolveOptions({ verbose: true })).toThrow(
      'leakcheck(): unknown option `verbose`. Known options: `mode`, `scope`, `settleMs`, `shortTimerMs`, `allow`.',
    )
  })

  it.each([
    ['hots', 'host'],
    ['createBy', 'createdBy'],
    ['prot', 'port'],
    ['kinds', 'kind'],
  ])('an allow rule with `%s` suggests `%s`', (key, suggestion) => {
    expect(() => validateAllowRules([{ [key]: 'x' }])).toThrow(
      expect.objectContaining({
        code: 'LEAKCHECK_INVALID_ALLOW_RULE',
        message: `\`allow[0]\` has an unknown field \`${key}\`. Did you mean \`${suggestion}\`? Use \`kind\`, \`host\`, \`port\`, \`createdBy\`.`,
      }),
    )
  })

  it('an allow rule field far from any: the list only', () => {
    expect(() => validateAllowRules([{ hostname: 'x' }])).toThrow(
      '`allow[0]` has an unknown field `hostname`. Use `kind`, `host`, `port`, `createdBy`.',
    )
  })
})
