// A signal arrives while requests are in flight, and the program has no handler: Node's default
// action kills it with that signal.
import { makeApis, mark, sendInFlight } from '@foo/testkit/program'

const apis = await makeApis()
for (const api of apis) await api.get('/json')
await sendInFlight(apis, 3000)
mark('last-response')
