// gracefulShutdown from @foo/client: on the signal, in-flight requests finish, clients close,
// then the same signal is raised again so the exit status still says "killed by SIGxxx".
// Parameters (the scenario's env):
//   EXIT_SLOW_MS           how long the server takes to answer the in-flight requests (1500)
//   EXIT_DRAIN_TIMEOUT_MS  gracefulShutdown's timeoutMs (5000)
//   EXIT_APP_HANDLER       the app's own handler beside it: it decides the exit (128 + signal)
//   EXIT_MARK_SIGNAL       prints `signal-received` once the drain started (the runner then
//                          sends a second signal)
import { constants } from 'node:os'
import { clientModule, makeApis, mark, sendInFlight } from '@foo/testkit/program'

const signal = process.env.EXIT_SIGNAL ?? 'SIGTERM'
const { gracefulShutdown } = await clientModule()
gracefulShutdown({ timeoutMs: Number(process.env.EXIT_DRAIN_TIMEOUT_MS ?? 5000) })
// Keep working after the responses, as a server would: only the signal should end the process.
const keepAlive = setInterval(() => {}, 1000)
if (process.env.EXIT_APP_HANDLER) {
  process.on(signal, () => {
    mark('app-handler')
    clearInterval(keepAlive)
    process.exitCode = 128 + (constants.signals[signal] ?? 0)
  })
}
if (process.env.EXIT_MARK_SIGNAL) {
  // Registered after gracefulShutdown's listener, which has started the drain when this runs;
  // `once`, so that at the end no listener of ours stops the re-raise.
  process.once(signal, () => mark('signal-received'))
}
const apis = await makeApis()
for (const api of apis) await api.get('/json')
await sendInFlight(apis, Number(process.env.EXIT_SLOW_MS ?? 1500)).then(
  () => mark('last-response'),
  (error) => mark('requests-failed', { code: error?.code }),
)
