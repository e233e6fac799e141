import { describe, expect, it } from 'vitest'
import { DemoArgumentError, parseArgs } from '../src/args.js'

describe('parseArgs', () => {
  it('reads the flags the root script passes through', () => {
    const args = parseArgs(['--node', '20,22', '--only', 'natural-end', '--library', 'client'])
    expect(args).toMatchObject({
      majors: ['20', '22'],
      scenarios: ['natural-end'],
      libraries: ['client'],
    })
  })

  it('ignores a leading -- (pnpm passes it through on some versions)', () => {
    expect(parseArgs(['--', '--node', '24']).majors).toEqual(['24'])
  })

  it('rejects unknown flags, bad majors and unknown scenarios with a typed error', () => {
    expect(() => parseArgs(['--nodes', '20'])).toThrow(DemoArgumentError)
    expect(() => parseArgs(['--node', 'v20'])).toThrow(/not a Node major/)
    expect(() => parseArgs(['--only', 'nope'])).toThrow(/no scenario 'nope'.*natural-end/)
    expect(() => parseArgs(['--timeout', '0'])).toThrow(/positive integer/)
    expect(() => parseArgs(['--node'])).toThrow(/needs a value/)
  })
})
