// A bug after the requests: an exception nobody catches. Node prints it and exits 1.
import { makeApis, useApis } from '@foo/testkit/program'

await useApis(await makeApis())
setTimeout(() => {
  throw new Error('exit path: uncaught exception after the last response')
}, 0)
