// The seed's program: requests, then main returns. No close(), no exit call.
import { makeApis, useApis } from '@foo/testkit/program'

await useApis(await makeApis())
