// process.exit(3) right after the last response (crashed Node on Windows: nodejs/node#56645).
import { createApi, useApi } from './library.mjs'

await useApi(await createApi())
process.exit(3)
