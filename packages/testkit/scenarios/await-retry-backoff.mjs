// The seed's usage with retries on: a top-level await on a GET answered 503. The only thing
// pending is the backoff before attempt 2, and the process must wait for it (exit code 13 would
// be Node's "unsettled top-level await"), then print what the request settled with.
import { ca, clientModule, mark, origins } from '@foo/testkit/program'

const { Client } = await clientModule()
const client = new Client({
  baseUrl: origins.https,
  ca,
  retry: { limit: 1, minDelay: 300, maxDelay: 300 },
})
try {
  await client.get('/status', { query: { code: 503 } })
  mark('resolved')
} catch (error) {
  mark(error?.code === 'FOO_ERR_HTTP' ? 'rejected-after-retry' : 'rejected', { code: error?.code })
}
mark('last-response')
