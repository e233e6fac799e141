// A rejected promise nobody handles: Node (>= 15) prints it and exits 1.
import { createApi, useApi } from './library.mjs'

await useApi(await createApi())
Promise.reject(new Error('demo: unhandled rejection after the last response'))
