import { HttpResponse, http } from 'msw'
import { setupServer } from 'msw/node'
import { failOnUnhandledRejections } from './helpers/expect.js'
import { describeParity } from './helpers/parity.js'
import { caseFor, replyHeaders, type Seen } from './helpers/transport-table.js'

failOnUnhandledRejections()

let mocks: ReturnType<typeof setupServer> | undefined

describeParity({
  name: 'msw 2 (fetch replaced)',
  passThrough() {
    const server = setupServer()
    server.listen({ onUnhandledRequest: 'bypass' })
    mocks = server
  },
  answer(origin: string, seen: Seen[]) {
    const server = setupServer(
      http.all(`${origin}/*`, ({ request }) => {
        const url = new URL(request.url)
        const path = url.pathname + url.search
        const row = caseFor(request.method, path)
        seen.push({
          method: request.method,
          path,
          headers: Object.fromEntries(request.headers),
          body: '',
        })
        if (row === undefined) return new HttpResponse('no such row', { status: 500 })
        const body = request.method === 'HEAD' || row.reply.status === 204 ? null : row.reply.body
        return new HttpResponse(body, { status: row.reply.status, headers: replyHeaders(row) })
      }),
    )
    server.listen({ onUnhandledRequest: 'error' })
    mocks = server
  },
  reset() {
    mocks?.close()
    mocks = undefined
  },
})
