import { existsSync, readFileSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

// `@foo/client/lifecycle` is a leaf: whoever imports it for another resource loads the lifecycle,
// the error class and the limits, and no HTTP code. Checked on the BUILT entry (run the build
// first), through every chunk it imports and their sourcemaps.
const dist = fileURLToPath(new URL('../dist/', import.meta.url))

/** Every module a built chunk loads: the sources of the chunks it reaches, and bare imports. */
function loads(entry: string): { sources: Set<string>; imports: Set<string> } {
  const sources = new Set<string>()
  const imports = new Set<string>()
  const seen = new Set<string>()
  const visit = (file: string): void => {
    if (seen.has(file)) return
    seen.add(file)
    const code = readFileSync(file, 'utf8')
    const map = `${file}.map`
    if (existsSync(map)) {
      for (const source of JSON.parse(readFileSync(map, 'utf8')).sources as string[]) {
        sources.add(relative(join(dist, '..'), join(dirname(file), source)))
      }
    }
    for (const [, spec] of code.matchAll(
      /(?:^|\n)\s*(?:import|export)\b[^'"]*?from\s*['"]([^'"]+)['"]/g,
    )) {
      if (spec === undefined) continue
      if (spec.startsWith('.')) visit(join(dirname(file), spec))
      else imports.add(spec)
    }
  }
  visit(join(dist, entry))
  return { sources, imports }
}

describe('the @foo/client/lifecycle entry', () => {
  it('loads only the lifecycle, the error class and the limits: no HTTP code', () => {
    const { sources, imports } = loads('lifecycle.js')
    expect(sources.size).toBeGreaterThan(0)
    const outside = [...sources].filter(
      (source) =>
        !/^src\/lifecycle(\/.*)?\.ts$/.test(source) &&
        source !== 'src/errors.ts' &&
        source !== 'src/limits.ts',
    )
    expect(outside, 'sources outside lifecycle/, errors.ts and limits.ts').toEqual([])
    expect([...imports].sort()).toEqual(['node:os'])
  })

  it('the main entry does load the HTTP code (the check above can tell the two apart)', () => {
    const { sources, imports } = loads('index.js')
    expect(sources).toContain('src/client.ts')
    expect(imports).toContain('undici')
  })
})
