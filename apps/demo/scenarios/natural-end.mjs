// The seed's program: requests, then main returns. No close(), no exit call.
import { createApi, useApi } from './library.mjs'

await useApi(await createApi())
