// The seed's program in a child forked with an IPC channel (as cluster, pm2 or a test runner
// would). A library that listens on the channel ('message') keeps such a child alive forever.
import { fork } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { makeApis, useApis } from '@foo/testkit/program'

if (process.argv[2] !== '--child') {
  const child = fork(fileURLToPath(import.meta.url), ['--child'])
  child.on('exit', (code, signal) => {
    process.exitCode = code ?? (signal ? 1 : 0)
  })
} else {
  await useApis(await makeApis())
}
