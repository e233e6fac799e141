import { startServer, type TestServer } from '@foo/testkit'
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest'
import { Client } from '../../src/index.js'
import {
  type Case,
  cases,
  chosenHeaders,
  run,
  type Seen,
  type Transport,
  tableHandler,
  tableMaxResponseSize,
} from './transport-table.js'

/** Runs every row through `client`, in order. */
async function runAll(client: Client): Promise<Map<string, unknown>> {
  const got = new Map<string, unknown>()
  for (const row of cases) got.set(row.name, await run(client, row))
  return got
}

function seenBy(seen: Seen[], row: Case, what: 'headers' | 'all'): unknown {
  const found = seen.filter((s) => s.method === row.method && s.path === row.path)
  return found.map((s) =>
    what === 'headers' ? chosenHeaders(s.headers) : { ...s, headers: chosenHeaders(s.headers) },
  )
}

/**
 * The transport-parity table for one transport: against the real server (the transport lets
 * requests through) the server sees the same requests and the caller gets the same results
 * as on the client's own Agent; and where the transport answers itself (a mock serving the
 * same bytes), it sees the same headers and the caller gets the same results again.
 */
export function describeParity(transport: Transport): void {
  describe(`transport parity: ${transport.name}`, () => {
    let server: TestServer
    const baselineSeen: Seen[] = []
    let baseline: Map<string, unknown>

    beforeAll(async () => {
      await transport.reset()
      server = await startServer({ handler: tableHandler(baselineSeen) })
      const client = new Client({ baseUrl: server.origin, maxResponseSize: tableMaxResponseSize })
      baseline = await runAll(client)
      await client.close()
    })
    afterAll(async () => {
      await transport.reset()
      await server.close()
    })

    function client(origin: string): Client {
      const c = new Client({
        baseUrl: origin,
        maxResponseSize: tableMaxResponseSize,
        ...transport.options?.(),
      })
      onTestFinished(() => c.close())
      return c
    }

    it('through to the real server: same requests seen, same results', async () => {
      const seen: Seen[] = []
      const own = await startServer({ handler: tableHandler(seen) })
      onTestFinished(() => own.close())
      await transport.passThrough()
      onTestFinished(() => transport.reset())
      const got = await runAll(client(own.origin))
      for (const row of cases) {
        expect(got.get(row.name), row.name).toEqual(baseline.get(row.name))
        const fix = (list: unknown) =>
          JSON.parse(JSON.stringify(list).replaceAll(String(own.port), 'PORT'))
        expect(fix(seenBy(seen, row, 'all')), row.name).toEqual(
          JSON.parse(
            JSON.stringify(seenBy(baselineSeen, row, 'all')).replaceAll(
              String(server.port),
              'PORT',
            ),
          ),
        )
      }
    })

    it.skipIf(transport.name === 'own Agent')(
      'answered by the transport itself: same headers seen, same results',
      async () => {
        const seen: Seen[] = []
        const origin = 'http://api.parity.test'
        await transport.answer(origin, seen)
        onTestFinished(() => transport.reset())
        const got = await runAll(client(origin))
        for (const row of cases) {
          expect(got.get(row.name), row.name).toEqual(baseline.get(row.name))
          expect(seenBy(seen, row, 'headers'), row.name).toEqual(
            seenBy(baselineSeen, row, 'headers'),
          )
        }
      },
    )
  })
}
