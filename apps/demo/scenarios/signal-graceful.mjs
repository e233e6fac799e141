// gracefulShutdown from @foo/client: on the signal, in-flight requests finish, clients close,
// then the same signal is raised again so the exit status still says "killed by SIGxxx".
import { createApi, installGracefulShutdown, mark } from './library.mjs'

await installGracefulShutdown()
const api = await createApi()
await api.getFoo()
mark('in-flight')
await api.getSlow(1500)
mark('last-response')
// Keep working after the response, as a server would: only the signal should end the process.
setInterval(() => {}, 1000)
