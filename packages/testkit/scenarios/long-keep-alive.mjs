// The server keeps idle connections 60 s (the scenario sets it): a 1 MiB body and a few small
// ones, then main returns. The process must exit at once, not when the server gives up.
import { makeApis, mark } from '@foo/testkit/program'

const [, api] = await makeApis()
await api.get('/large', { bytes: 1 << 20 })
await Promise.all([api.get('/json'), api.get('/json'), api.get('/large', { bytes: 256 << 10 })])
mark('last-response')
