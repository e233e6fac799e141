import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Consumer, createConsumer, repoDir } from '../helpers/consumer.js'
import { codeBlock, readme } from '../helpers/readme.js'

// Found by a newcomer: `{ meta: { leakcheck: false } }` failed with TS2769. The augmentation of
// Vitest's TaskMeta ships in dist/index.d.ts and loads with `import { leakcheck } from
// '@foo/leakcheck'`, but only in a program that contains that import; a tsconfig for the tests
// alone needs the one line the README gives.

const tsc = path.join(repoDir, 'node_modules', 'typescript', 'bin', 'tsc')
let consumer: Consumer
beforeAll(() => {
  consumer = createConsumer('module')
  consumer.write(
    'vitest.config.ts',
    "import { defineConfig } from 'vitest/config'\nimport { leakcheck } from '@foo/leakcheck'\nexport default defineConfig({ plugins: [leakcheck()] })\n",
  )
  // The README's own example of the opt-out, as a test file.
  const example = codeBlock(readme('leakcheck'), '{ meta: { leakcheck: false } }, async () => {')
  consumer.write('test/opt-out.test.ts', `import { describe, test } from 'vitest'\n${example}`)
})
afterAll(() => consumer.remove())

function typecheck(include: string[], extra: Record<string, unknown> = {}) {
  const config = consumer.write(
    `tsconfig.${include.length}.${Object.keys(extra).length}.json`,
    JSON.stringify({
      compilerOptions: {
        module: 'nodenext',
        target: 'es2022',
        strict: true,
        noEmit: true,
        skipLibCheck: true,
        types: [],
        ...extra,
      },
      include,
    }),
  )
  return spawnSync(process.execPath, [tsc, '-p', config, '--pretty', 'false'], { encoding: 'utf8' })
}

describe('meta: { leakcheck: false } type-checks', () => {
  it('the built dist/index.d.ts carries the augmentation of Vitest TaskMeta', () => {
    const dts = readFileSync(
      path.join(repoDir, 'packages', 'leakcheck', 'dist', 'index.d.ts'),
      'utf8',
    )
    expect(dts).toMatch(
      /declare module 'vitest' \{[\s\S]*interface TaskMeta \{[\s\S]*leakcheck\?: false/,
    )
  })

  it('in a program that includes the config importing the plugin', () => {
    const run = typecheck(['vitest.config.ts', 'test'])
    expect(run.stdout).toBe('')
    expect(run.status).toBe(0)
  })

  it('without the config in the program: TS2769, as the README says', () => {
    const run = typecheck(['test'])
    expect(run.stdout).toContain('error TS2769')
    expect(readme('leakcheck')).toContain('TS2769')
  })

  it("with the README's one line, a tsconfig for the tests alone type-checks", () => {
    const line = codeBlock(readme('leakcheck'), '"types": [')
    const { compilerOptions } = JSON.parse(line) as { compilerOptions: Record<string, unknown> }
    const run = typecheck(['test'], compilerOptions)
    expect(run.stdout).toBe('')
    expect(run.status).toBe(0)
  })
})
