import { describe, expect, it } from 'vitest'

// Imports the BUILT package, as a user would (run `pnpm --filter @foo/client build` first).
describe('@foo/client entry points', () => {
  it('exports the public API from the package root', async () => {
    const mod = await import('@foo/client')
    expect(Object.keys(mod).sort()).toEqual([
      'Client',
      'ClientError',
      'HttpError',
      'ResponseBody',
      'gracefulShutdown',
      'isClientError',
      'isHttpError',
      'preferFastExit',
    ])
    expect(typeof mod.Client).toBe('function')
    expect(
      new mod.HttpError({ status: 404, method: 'GET', url: 'https://x/', headers: {}, body: '' }),
    ).toBeInstanceOf(mod.ClientError)
  })

  it('rejects a bad baseUrl with a typed error from the built package', async () => {
    const { Client, isClientError } = await import('@foo/client')
    let error: unknown
    try {
      new Client({ baseUrl: 'nope' })
    } catch (err) {
      error = err
    }
    expect(isClientError(error)).toBe(true)
    expect((error as { code: string }).code).toBe('FOO_ERR_INVALID_ARGUMENT')
  })

  it('exports the lifecycle subpath', async () => {
    const mod = await import('@foo/client/lifecycle')
    expect(typeof mod.manage).toBe('function')
  })
})
