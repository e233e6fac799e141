import { startServer } from '@foo/testkit'
import { describe, expect, it, onTestFinished } from 'vitest'
import { Client, ClientError } from '../src/index.js'
import { expectClientError, failOnUnhandledRejections } from './helpers/expect.js'

failOnUnhandledRejections()

/** Items 1..total, `per` a page, with GitHub-style Link headers or a cursor. */
async function pagedApi(total: number, per: number, requests: string[] = []) {
  const server = await startServer({
    handler: (req, res) => {
      requests.push(req.url ?? '')
      const url = new URL(req.url ?? '/', 'http://x')
      const page = Number(url.searchParams.get('page') ?? url.searchParams.get('cursor') ?? '1')
      const items = Array.from({ length: total }, (_, i) => i + 1).slice(
        (page - 1) * per,
        page * per,
      )
      res.setHeader('content-type', 'application/json')
      res.setHeader('x-total-count', String(total))
      if (page * per < total) {
        const next = `${server.origin}/items?per_page=${per}&page=${page + 1}`
        res.setHeader('link', `<${server.origin}/items?page=1>; rel="first", <${next}>; rel="next"`)
      }
      const body =
        url.pathname === '/cursor'
          ? { items, next_cursor: page * per < total ? String(page + 1) : null }
          : items
      res.end(JSON.stringify(body))
    },
  })
  onTestFinished(() => server.close())
  const client = new Client({ baseUrl: server.origin })
  onTestFinished(() => client.close())
  return { server, client, requests }
}

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = []
  for await (const item of iterable) out.push(item)
  return out
}

describe('client.paginate()', () => {
  it('follows Link rel="next" (RFC 8288) to the last page', async () => {
    const { client, requests } = await pagedApi(7, 3)
    expect(await collect(client.paginate<number>('/items', { query: { per_page: 3 } }))).toEqual([
      1, 2, 3, 4, 5, 6, 7,
    ])
    expect(requests).toEqual([
      '/items?per_page=3',
      '/items?per_page=3&page=2',
      '/items?per_page=3&page=3',
    ])
  })

  it('pages() yields { data, status, headers } of each page', async () => {
    const { client } = await pagedApi(4, 2)
    const pages = await collect(client.pages<number[]>('/items', { query: { per_page: 2 } }))
    expect(pages.map((p) => [p.status, p.data, p.headers['x-total-count']])).toEqual([
      [200, [1, 2], '4'],
      [200, [3, 4], '4'],
    ])
  })

  it('a cursor API: items and next from the body', async () => {
    const { client } = await pagedApi(5, 2)
    const items = client.paginate<number>('/cursor', {
      items: (page) => (page.data as { items: number[] }).items,
      next: (page) => {
        const cursor = (page.data as { next_cursor: string | null }).next_cursor
        return cursor === null ? undefined : { query: { cursor } }
      },
    })
    expect(await collect(items)).toEqual([1, 2, 3, 4, 5])
  })

  it('stops after maxPages', async () => {
    const { client, requests } = await pagedApi(100, 1)
    expect(await collect(client.paginate('/items', { maxPages: 3 }))).toEqual([1, 2, 3])
    expect(requests).toHaveLength(3)
  })

  it('an aborted signal ends the walk with FOO_ERR_ABORTED', async () => {
    const { client } = await pagedApi(10, 1)
    const controller = new AbortController()
    const seen: number[] = []
    const walk = (async () => {
      for await (const item of client.paginate<number>('/items', { signal: controller.signal })) {
        seen.push(item)
        if (item === 2) controller.abort(new Error('enough'))
      }
    })()
    await expectClientError(walk, ClientError, 'FOO_ERR_ABORTED')
    expect(seen).toEqual([1, 2])
  })

  it('a next link to another origin is refused: credentials stay on baseUrl', async () => {
    const other = await startServer()
    onTestFinished(() => other.close())
    const server = await startServer({
      handler: (_req, res) => {
        res.setHeader('link', `<${other.origin}/steal>; rel="next"`)
        res.end('[1]')
      },
    })
    onTestFinished(() => server.close())
    const client = new Client({ baseUrl: server.origin, headers: { authorization: 'Bearer t' } })
    onTestFinished(() => client.close())
    await expectClientError(collect(client.paginate('/items')), ClientError, 'FOO_ERR_REDIRECT')
    expect(other.accepted()).toBe(0)
  })

  it('a page that is not an array asks for items()', async () => {
    const { client } = await pagedApi(2, 2)
    const error = await expectClientError(
      collect(client.paginate('/cursor')),
      ClientError,
      'FOO_ERR_INVALID_ARGUMENT',
    )
    expect(error.message).toContain('pass { items: (page) => page.data.results }')
  })
})

describe('JSON methods with { withResponse: true }', () => {
  it('resolve to { data, status, headers }', async () => {
    const { client } = await pagedApi(3, 2)
    const res = await client.get<number[]>('/items', { withResponse: true })
    expect(res.data).toEqual([1, 2])
    expect(res.status).toBe(200)
    expect(res.headers['x-total-count']).toBe('3')
    expect(res.headers.link).toContain('rel="next"')
  })
})
