import { failOnUnhandledRejections } from './helpers/expect.js'
import { describeParity } from './helpers/parity.js'
import { caseFor, replyHeaders, type Seen } from './helpers/transport-table.js'

failOnUnhandledRejections()

// nock 15 needs Node 22+ (it intercepts undici's sockets, so the client keeps its own Agent).
const major = Number(process.versions.node.split('.')[0])
const nock = major >= 22 ? (await import('nock15')).default : undefined
const methods = ['GET', 'POST', 'PUT', 'HEAD'] as const

if (nock !== undefined) {
  nock.restore()
  describeParity({
    name: 'nock 15 (sockets intercepted)',
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
          // nock 15 hands a reply function the fetch Request it parsed from the socket.
          .reply((request: unknown) => {
            const { url, headers } = request as Request
            const path = new URL(url).pathname + new URL(url).search
            const row = caseFor(method, path)
            seen.push({ method, path, headers: Object.fromEntries(headers), body: '' })
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
} else {
  const { it } = await import('vitest')
  it.skip('nock 15 runs on Node 22+ only (pnpm matrix --node 22,24,26)', () => {})
}
