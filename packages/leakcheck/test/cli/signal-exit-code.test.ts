import { constants } from 'node:os'
import { describe, expect, it } from 'vitest'
import { lastLine, runCli } from './run.js'

// Found in review: only SIGHUP/SIGINT/SIGKILL/SIGTERM had numbers; any other signal gave 129.
describe('leakcheck -- node app.js ended by a signal', () => {
  it.skipIf(process.platform === 'win32')(
    'exits 128 + the signal number, as a shell reports it (SIGUSR2, SIGQUIT)',
    async () => {
      // Linux numbers; elsewhere (macOS: SIGUSR2 is 31) the platform's own.
      for (const [signal, linux] of [
        ['SIGUSR2', 12],
        ['SIGQUIT', 3],
      ] as const) {
        const run = await runCli(['--', 'node', '-e', `process.kill(process.pid, '${signal}')`])
        const number = process.platform === 'linux' ? linux : constants.signals[signal]
        expect(run.code, run.stderr).toBe(128 + number)
      }
    },
  )
})

describe('the verdict of a program killed by a signal', () => {
  it.skipIf(process.platform === 'win32')('says its handles were not checked', async () => {
    const run = await runCli(['--', 'node', '-e', "process.kill(process.pid, 'SIGTERM')"])
    expect(lastLine(run.stderr)).toBe(
      "leakcheck: the program was killed by SIGTERM (node -e process.kill(process.pid, 'SIGTERM'); its handles were not checked: it ended without running its exit listeners)",
    )
    expect(run.code).toBe(128 + (constants.signals.SIGTERM as number))
  })
})
