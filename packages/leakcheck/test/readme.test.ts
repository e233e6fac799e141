import { execFileSync, spawnSync } from 'node:child_process'
import { mkdirSync, realpathSync, symlinkSync } from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { resolveOptions } from '../src/options.js'
import { lastLine, packageDir } from './cli/run.js'
import { type Consumer, createConsumer, repoDir } from './helpers/consumer.js'
import { codeBlock, codeBlocks, readme } from './helpers/readme.js'

// Every example in the README runs here (the opt-out and the tsconfig line run in
// consumers/vitest-meta-types.test.ts, the matrix in consumers/commonjs.test.ts).

let consumer: Consumer
beforeAll(() => {
  consumer = createConsumer('module')
  // npx finds a local bin as npm lays it out: node_modules/tsx and a .bin link to its CLI.
  const tsx = realpathSync(path.join(packageDir, 'node_modules', 'tsx'))
  symlinkSync(tsx, path.join(consumer.dir, 'node_modules', 'tsx'), 'junction')
  mkdirSync(path.join(consumer.dir, 'node_modules', '.bin'))
  symlinkSync(
    path.join('..', 'tsx', 'dist', 'cli.mjs'),
    path.join(consumer.dir, 'node_modules', '.bin', 'tsx'),
  )
})
afterAll(() => consumer.remove())

const bin = path.join(packageDir, 'bin', 'leakcheck.js')

describe('README links resolve on npm', () => {
  function packed(pkg: 'client' | 'leakcheck'): string[] {
    const json = execFileSync('npm', ['pack', '--dry-run', '--json', '--loglevel=error'], {
      cwd: path.join(repoDir, 'packages', pkg),
      encoding: 'utf8',
    })
    return (
      (JSON.parse(json) as Array<{ files: Array<{ path: string }> }>)[0]?.files.map(
        (f) => f.path,
      ) ?? []
    )
  }

  // Found by a newcomer: `[@foo/client](../client)` pointed at a folder of the repository, which
  // is not in the tarball, so the link broke on npm (and the packages have no repository URL).
  it.each(['client', 'leakcheck'] as const)(
    '@foo/%s: every link is https, an anchor, or a packed file',
    (pkg) => {
      const text = readme(pkg)
      const files = packed(pkg)
      const anchors = new Set(
        [...text.matchAll(/^#+ (.+)$/gm)].map((m) =>
          (m[1] as string)
            .toLowerCase()
            .replace(/[^\w\- ]/g, '')
            .replace(/ /g, '-'),
        ),
      )
      const links = [...text.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1] as string)
      for (const link of links) {
        if (link.startsWith('https://')) continue
        if (link.startsWith('#')) expect(anchors, link).toContain(link.slice(1))
        else
          expect(files, `${link} is not in the npm package`).toContain(path.posix.normalize(link))
      }
    },
  )
})

describe('leakcheck README examples', () => {
  it('the did-you-mean message is the one the code prints', () => {
    const quoted = /``(leakcheck\(\): unknown option `setleMs`\. Did you mean `settleMs`\?)``/.exec(
      readme('leakcheck'),
    )?.[1]
    expect(quoted).toBeDefined()
    expect(() => resolveOptions({ setleMs: 500 })).toThrow(quoted as string)
  })

  it('the node:test example passes under node --test', () => {
    const file = consumer.write(
      'closes.test.mjs',
      codeBlock(readme('leakcheck'), "from 'node:test'"),
    )
    const run = spawnSync(process.execPath, ['--test', '--test-reporter=tap', file], {
      cwd: consumer.dir,
      encoding: 'utf8',
    })
    expect(run.stdout).toMatch(/^# pass 1$/m)
    expect(run.status).toBe(0)
  })

  it('probe.leaks() resolves to the open handles (a Promise, not an array)', () => {
    const example = codeBlock(readme('leakcheck'), 'await probe.leaks()')
    // The example's `main()`: a program that leaves a server listening (closed after the example).
    const file = consumer.write(
      'leaks.mjs',
      `${example}
globalThis.server.close()
async function main() {
  const { createServer } = await import('node:net')
  const { once } = await import('node:events')
  globalThis.server = createServer().listen(0, '127.0.0.1')
  await once(globalThis.server, 'listening')
}
`,
    )
    const run = spawnSync(process.execPath, [file], { cwd: consumer.dir, encoding: 'utf8' })
    expect(run.stderr).toMatch(
      /1 root cause \(1 open handle\):\n\nTCP server listening on 127\.0\.0\.1:\d+ \(active\)/,
    )
    expect(run.status).toBe(0)
  })

  describe('the CLI lines', () => {
    beforeAll(() => {
      consumer.write(
        'package.json',
        JSON.stringify({
          name: 'readme-app',
          private: true,
          type: 'module',
          scripts: { start: 'node app.js' },
        }),
      )
      consumer.write('app.js', "console.log('app.js ran')\n")
      consumer.write('app.ts', "const message: string = 'app.ts ran'\nconsole.log(message)\n")
    })

    const lines = codeBlocks(readme('leakcheck'))
      .filter((block) => block.lang === 'sh' && block.code.includes('npx leakcheck'))
      .flatMap((block) => block.code.trim().split('\n'))

    it('there are examples for node, npm start, npx tsx and --timeout --json', () => {
      expect(lines).toEqual([
        'npx leakcheck -- node app.js',
        'npx leakcheck -- npm start',
        'npx leakcheck -- npx tsx app.ts',
        'npx leakcheck --timeout 30000 --json -- node app.js',
      ])
    })

    it.each(lines)('%s: a clean program is clean', (line) => {
      const args = line.replace(/^npx leakcheck /, '').split(' ')
      const run = spawnSync(process.execPath, [bin, ...args], {
        cwd: consumer.dir,
        encoding: 'utf8',
      })
      expect(run.stdout).toMatch(/app\.(js|ts) ran/)
      if (args.includes('--json'))
        expect(JSON.parse(lastLine(run.stdout))).toMatchObject({ verdict: 'clean' })
      else expect(lastLine(run.stderr)).toMatch(/^leakcheck: clean \(/)
      expect(run.status).toBe(0)
    })

    it('the verdict lines shown are the ones printed', () => {
      const shown = codeBlock(readme('leakcheck'), 'leakcheck: clean (node app.js')
        .trim()
        .split('\n')
      const run = spawnSync(process.execPath, [bin, '--', 'node', 'app.js'], {
        cwd: consumer.dir,
        encoding: 'utf8',
      })
      expect(shown[0]).toBe(lastLine(run.stderr))
      consumer.write(
        'leaky.js',
        "import http from 'node:http'\nhttp.createServer().listen(0, () => process.exit(0))\n",
      )
      const leaky = spawnSync(process.execPath, [bin, '--', 'node', 'leaky.js'], {
        cwd: consumer.dir,
        encoding: 'utf8',
      })
      expect(shown[1]).toBe(lastLine(leaky.stderr).replace('leaky.js', 'app.js'))
    })
  })
})
