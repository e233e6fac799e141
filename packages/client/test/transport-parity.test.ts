import { MockAgent } from 'undici'
import { failOnUnhandledRejections } from './helpers/expect.js'
import { describeParity } from './helpers/parity.js'
import { caseFor, replyHeaders, type Seen } from './helpers/transport-table.js'

failOnUnhandledRejections()

// One table (helpers/transport-table.ts), run here through the client's own Agent and a
// MockAgent; nock 14, nock 15 and msw 2 run it in their own files (each patches globals).

describeParity({
  name: 'own Agent',
  passThrough() {},
  answer() {
    throw new Error('the own Agent has nothing to mock with')
  },
  reset() {},
})

let agent: MockAgent | undefined
describeParity({
  name: 'MockAgent as dispatcher',
  options: () => ({ dispatcher: agent }),
  passThrough() {
    agent = new MockAgent()
    agent.enableNetConnect()
  },
  answer(origin: string, seen: Seen[]) {
    agent = new MockAgent()
    agent.disableNetConnect()
    const pool = agent.get(origin)
    pool
      .intercept({ path: () => true, method: () => true })
      .reply((options) => {
        const headers = options.headers as Record<string, string>
        const row = caseFor(options.method, options.path)
        seen.push({ method: options.method, path: options.path, headers, body: '' })
        if (row === undefined) return { statusCode: 500, data: 'no such row' }
        return {
          statusCode: row.reply.status,
          data: options.method === 'HEAD' ? '' : row.reply.body,
          responseOptions: { headers: replyHeaders(row) },
        }
      })
      .persist()
  },
  async reset() {
    await agent?.close()
    agent = undefined
  },
})
