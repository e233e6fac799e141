// A bug after the requests: an exception nobody catches. Node prints it and exits 1.
import { createApi, useApi } from './library.mjs'

await useApi(await createApi())
setTimeout(() => {
  throw new Error('demo: uncaught exception after the last response')
}, 0)
