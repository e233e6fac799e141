// The program's own handler: note the signal, let the in-flight request finish, then end
// naturally with exit code 128 + signal number. The client must neither keep the process alive
// nor change what the handler decided.
import { constants } from 'node:os'
import { createApi, mark } from './library.mjs'

const signal = process.env.DEMO_SIGNAL ?? 'SIGINT'
process.once(signal, () => {
  mark('signal')
  process.exitCode = 128 + (constants.signals[signal] ?? 0)
})
const api = await createApi()
await api.getFoo()
mark('in-flight')
await api.getSlow(1500)
mark('last-response')
