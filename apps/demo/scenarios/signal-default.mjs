// A signal arrives while a request is in flight, and the program has no handler:
// Node's default action kills it with that signal.
import { createApi, mark } from './library.mjs'

const api = await createApi()
await api.getFoo()
mark('in-flight')
await api.getSlow(3000)
mark('last-response')
