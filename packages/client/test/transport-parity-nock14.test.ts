import nock from 'nock'
import { failOnUnhandledRejections } from './helpers/expect.js'
import { describeParity } from './helpers/parity.js'
import { nockTransport } from './helpers/transport-table.js'

failOnUnhandledRejections()

// nock 14 replaces fetch (and http.request) when imported; the baseline runs with it restored.
nock.restore()

describeParity(
  nockTransport(nock as never, 'nock 14 (fetch replaced)', (self, args) => ({
    path: args[0] as string,
    headers: { ...(self as { req: { headers: Record<string, string> } }).req.headers },
  })),
)
