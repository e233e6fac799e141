import { expect, it } from 'vitest'

it('builds a runnable cli', async () => {
  const { existsSync } = await import('node:fs')
  expect(existsSync(new URL('../dist/cli.js', import.meta.url))).toBe(true)
})
