// The program's own handler: note the signal, let the in-flight requests finish, then end
// naturally with exit code 128 + signal number. The library must neither keep the process alive
// nor change what the handler decided.
import { constants } from 'node:os'
import { makeApis, mark, sendInFlight } from '@foo/testkit/program'

const signal = process.env.EXIT_SIGNAL ?? 'SIGINT'
process.once(signal, () => {
  mark('signal')
  process.exitCode = 128 + (constants.signals[signal] ?? 0)
})
const apis = await makeApis()
for (const api of apis) await api.get('/json')
await sendInFlight(apis, 1500)
mark('last-response')
