// process.exit(3) right after the last response (crashed Node on Windows: nodejs/node#56645).
import { makeApis, useApis } from '@foo/testkit/program'

await useApis(await makeApis())
process.exit(3)
