import nock from 'nock'
import { failOnUnhandledRejections } from './helpers/expect.js'
import { describeParity } from './helpers/parity.js'
import { caseFor, replyHeaders, type Seen } from './helpers/transport-table.js'

failOnUnhandledRejections()

// nock 14 replaces fetch (and http.request) when imported; the baseline runs with it restored.
nock.restore()

const methods = ['GET', 'POST', 'PUT', 'HEAD'] as const

describeParity({
  name: 'nock 14 (fetch replaced)',
  passThrough() {
    nock.activate()
    nock.enableNetConnect()
  },
  answer(origin: string, seen: Seen[]) {
    nock.activate()
    nock.disableNetConnect()
    for (const method of methods) {
      nock(origin)
        .persist()
        .intercept(() => true, method)
        .reply(function (path) {
          const row = caseFor(method, path)
          seen.push({ method, path, headers: { ...this.req.headers }, body: '' })
          if (row === undefined) return [500, 'no such row']
          return [row.reply.status, method === 'HEAD' ? '' : row.reply.body, replyHeaders(row)]
        })
    }
  },
  reset() {
    nock.cleanAll()
    nock.enableNetConnect()
    nock.restore()
  },
})
