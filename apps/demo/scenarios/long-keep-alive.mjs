// The server keeps idle connections 60 s (the runner starts it so): a 1 MiB body and a few
// small ones, then main returns. The process must exit at once, not when the server gives up.
import { createApi, mark } from './library.mjs'

const api = await createApi()
await api.getLarge(1 << 20)
await Promise.all([api.getFoo(), api.getFoo(), api.getLarge(256 << 10)])
mark('last-response')
