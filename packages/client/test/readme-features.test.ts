import { readFileSync } from 'node:fs'
import zlib from 'node:zlib'
import { startServer, type TestServer } from '@foo/testkit'
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest'
import { Client } from '../src/index.js'
import { failOnUnhandledRejections } from './helpers/expect.js'

failOnUnhandledRejections()

// Every example of the README's Features section runs here, against a local server that
// answers what the examples call, with baseUrl pointed at it.

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8')
const features = readme.slice(readme.indexOf('## Features'), readme.indexOf('## Mocking'))
const blocks = [...features.matchAll(/^```ts\n([\s\S]*?)^```$/gm)].map((m) => m[1] as string)

const seen: Array<{ path: string; headers: Record<string, unknown> }> = []
let server: TestServer
let etag = 0

beforeAll(async () => {
  server = await startServer({
    handler: (req, res) => {
      const url = new URL(req.url ?? '/', server.origin)
      seen.push({ path: url.pathname, headers: req.headers })
      res.setHeader('content-type', 'application/json')
      switch (url.pathname) {
        case '/report':
          res.setHeader('content-encoding', 'gzip')
          return res.end(zlib.gzipSync(JSON.stringify({ rows: 3 })))
        case '/me':
          if (req.headers.authorization !== 'Bearer fresh') return res.writeHead(401).end('{}')
          return res.end('{"name":"Ada"}')
        case '/users': {
          const page = Number(url.searchParams.get('page') ?? '1')
          if (page < 2)
            res.setHeader(
              'link',
              `<${server.origin}/users?per_page=2&page=${page + 1}>; rel="next"`,
            )
          return res.end(
            JSON.stringify(page === 1 ? [{ name: 'Ada' }, { name: 'Bob' }] : [{ name: 'Cy' }]),
          )
        }
        case '/items': {
          const cursor = url.searchParams.get('cursor')
          return res.end(
            JSON.stringify(cursor === null ? { items: [1, 2], next_cursor: 'c2' } : { items: [3] }),
          )
        }
        case '/config':
          res.setHeader('etag', '"c1"')
          res.setHeader('cache-control', 'max-age=0')
          if (req.headers['if-none-match'] === '"c1"') return res.writeHead(304).end()
          etag++
          return res.end('{"config":true}')
        default:
          req.resume()
          return res.end('{}')
      }
    },
  })
})
afterAll(() => server.close())

async function run(
  needle: string,
  extra: Record<string, unknown> = {},
): Promise<Record<string, unknown>> {
  const found = blocks.filter((code) => code.includes(needle))
  expect(found, `one README Features block with ${needle}`).toHaveLength(1)
  const code = (found[0] as string).replaceAll('https://api.example.com', server.origin)
  const names = Object.keys(extra)
  const declared = [...code.matchAll(/^(?:const|let) (\{[^}]*\}|\w+)/gm)]
    .flatMap((m) => (m[1] as string).replace(/[{}]/g, '').split(','))
    .map((n) => n.trim())
    .filter((n) => n !== '')
  const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor
  const body = `${code}\nreturn { ${declared.join(', ')} }`
  // Every client an example creates is closed after the test (the examples leave that to GC).
  class Tracked extends Client {
    constructor(options: ConstructorParameters<typeof Client>[0]) {
      super(options)
      onTestFinished(() => this.close())
    }
  }
  return new AsyncFunction('Client', ...names, body)(Tracked, ...names.map((n) => extra[n]))
}

function local(): Client {
  const client = new Client({ baseUrl: server.origin })
  onTestFinished(() => client.close())
  return client
}

describe('README Features examples', () => {
  it('Compression', async () => {
    const out = await run("get('/report')")
    expect(out.report).toEqual({ rows: 3 })
    const raw = out.raw as { headers: Record<string, string>; body: { dump(): Promise<void> } }
    expect(raw.headers['content-encoding']).toBe('gzip')
    await raw.body.dump()
  })

  it('Hooks', async () => {
    const out = await run("return 'retry'")
    expect(out.me).toEqual({ name: 'Ada' })
    expect(seen.filter((s) => s.path === '/me').map((s) => s.headers.authorization)).toEqual([
      'Bearer expired',
      'Bearer fresh',
    ])
  })

  it('Responses and pagination', async () => {
    const out = await run('withResponse: true', { client: local() })
    expect(out.status).toBe(200)
    expect(out.names).toEqual(['Ada', 'Bob', 'Cy'])
    expect(out.cursorItems).toEqual([1, 2, 3])
  })

  it('Caching', async () => {
    await run('cache: true')
    expect(etag).toBe(1)
    expect(seen.filter((s) => s.path === '/config').map((s) => s.headers['if-none-match'])).toEqual(
      [undefined, '"c1"'],
    )
  })

  it('Proxies', async () => {
    const out = await run("proxy: 'env'")
    expect(out.viaEnv).toBeInstanceOf(Client)
    expect(out.viaUrl).toBeInstanceOf(Client)
  })

  it('Request bodies', async () => {
    await run('new URLSearchParams', { client: local() })
    const form = seen.find((s) => s.path === '/form')
    expect(form?.headers['content-type']).toBe('application/x-www-form-urlencoded;charset=UTF-8')
    expect(String(seen.find((s) => s.path === '/upload')?.headers['content-type'])).toMatch(
      /^multipart\/form-data/,
    )
  })
})
