// process.exit(3) while a request on each client is still waiting for its response: the exit must
// keep its code and end every connection cleanly.
import { makeApis, sendInFlight, useApis, waitForGo } from '@foo/testkit/program'

const apis = await makeApis()
await useApis(apis)
sendInFlight(apis, 30_000).catch(() => {})
await waitForGo()
process.exit(3)
