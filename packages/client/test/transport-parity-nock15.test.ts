import { it } from 'vitest'
import { failOnUnhandledRejections } from './helpers/expect.js'
import { describeParity } from './helpers/parity.js'
import { nockTransport } from './helpers/transport-table.js'

failOnUnhandledRejections()

// nock 15 needs Node 22+ (it intercepts undici's sockets, so the client keeps its own Agent).
const major = Number(process.versions.node.split('.')[0])
const nock = major >= 22 ? (await import('nock15')).default : undefined

if (nock === undefined) {
  it.skip('nock 15 runs on Node 22+ only (pnpm matrix --node 22,24,26)', () => {})
} else {
  nock.restore()
  describeParity(
    // nock 15 hands a reply function the fetch Request it parsed from the socket.
    nockTransport(nock as never, 'nock 15 (sockets intercepted)', (_self, args) => {
      const request = args[0] as Request
      const url = new URL(request.url)
      return { path: url.pathname + url.search, headers: Object.fromEntries(request.headers) }
    }),
  )
}
