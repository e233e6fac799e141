import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import type { ViteUserConfig as UserConfig } from 'vitest/config'
import { isLeakcheckError } from '../../src/errors.js'
import { leakcheck } from '../../src/plugin.js'

const SETUP = fileURLToPath(new URL('../../src/setup.js', import.meta.url))

type ConfigHook = (config: UserConfig) => void
function applyConfig(plugin: ReturnType<typeof leakcheck>, config: UserConfig): UserConfig {
  ;(plugin.config as ConfigHook)(config)
  return config
}

describe('leakcheck() plugin', () => {
  it('adds the setup file and provides the resolved options', () => {
    const config = applyConfig(leakcheck({ mode: 'warn' }), {})
    expect(config.test?.setupFiles).toEqual([SETUP])
    expect(config.test?.provide).toEqual({
      '@foo/leakcheck': {
        mode: 'warn',
        scope: 'test',
        settleMs: 1000,
        shortTimerMs: 5000,
        allow: [],
      },
    })
  })

  it('keeps the user setup files first and does not add itself twice', () => {
    const plugin = leakcheck()
    const config = applyConfig(plugin, { test: { setupFiles: './my-setup.ts' } })
    applyConfig(plugin, config)
    expect(config.test?.setupFiles).toEqual(['./my-setup.ts', SETUP])
    const explicit = applyConfig(leakcheck(), { test: { setupFiles: ['@foo/leakcheck/setup'] } })
    expect(explicit.test?.setupFiles).toEqual(['@foo/leakcheck/setup'])
  })

  it('installs itself in every inline project, leaving project files alone', () => {
    const config = applyConfig(leakcheck({ settleMs: 200 }), {
      test: {
        // A key another plugin provided must survive.
        provide: { other: 1 } as never,
        projects: [
          'packages/*',
          { test: { name: 'a', setupFiles: ['./a.ts'] } },
          { extends: true, test: { name: 'b' } },
          { test: { name: 'c', setupFiles: [SETUP] } },
        ],
      },
    })
    const projects = config.test?.projects as Array<string | UserConfig>
    expect(projects[0]).toBe('packages/*')
    expect((projects[1] as UserConfig).test?.setupFiles).toEqual(['./a.ts', SETUP])
    expect((projects[2] as UserConfig).test?.setupFiles).toEqual([SETUP])
    expect((projects[3] as UserConfig).test?.setupFiles).toEqual([SETUP])
    for (const project of projects.slice(1) as UserConfig[]) {
      expect(project.test?.provide?.['@foo/leakcheck']).toMatchObject({ settleMs: 200 })
    }
    expect(config.test?.provide).toMatchObject({ other: 1 })
  })

  it('rejects bad options when the config loads, with a typed error', () => {
    let caught: unknown
    try {
      leakcheck({ mode: 'strict' as 'fail' })
    } catch (error) {
      caught = error
    }
    expect(isLeakcheckError(caught)).toBe(true)
    expect((caught as { code: string }).code).toBe('LEAKCHECK_INVALID_OPTION')
  })
})
