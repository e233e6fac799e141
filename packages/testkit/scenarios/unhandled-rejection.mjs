// A rejected promise nobody handles: Node (>= 15) prints it and exits 1.
import { makeApis, useApis } from '@foo/testkit/program'

await useApis(await makeApis())
Promise.reject(new Error('exit path: unhandled rejection after the last response'))
