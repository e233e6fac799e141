import { describe, expect, it } from 'vitest'
import { formatHangEntries, recordHangEntries, userHangEntries } from '../../src/cli/hang-report.js'

// What why-is-node-running logs, one call per line (as in its index.js).
const logged = [
  'There are 5 handle(s) keeping the process running.',
  '',
  '# FILEHANDLE',
  '(unknown stack trace)',
  '',
  '# DNSCHANNEL',
  '/app/node_modules/undici/lib/core/connect.js:12 - lookup()',
  '',
  '# MESSAGEPORT',
  'src/worker.js:15 - const { port1 } = new MessageChannel()',
  '',
  '# Timeout',
  'src/app.js:2 - setInterval(tick, 1000)',
  '',
  '# Immediate',
  '/opt/leakcheck/dist/register.js:40',
  'src/loop.js:9     - setImmediate(loop)',
]

const why = (logger: { error(message: string): void }) => {
  for (const line of logged) logger.error(line)
}

describe('the --timeout diagnosis from why-is-node-running', () => {
  it('keeps resources created by user code, of kinds the tracker does not list', () => {
    const entries = userHangEntries(recordHangEntries(why), {
      cwd: '/app',
      ownDir: '/opt/leakcheck/dist',
    })
    expect(entries).toEqual([
      {
        type: 'MESSAGEPORT',
        locations: ['src/worker.js:15 - const { port1 } = new MessageChannel()'],
      },
      { type: 'Immediate', locations: ['src/loop.js:9     - setImmediate(loop)'] },
    ])
    expect(formatHangEntries(entries)).toBe(
      'Also keeping it alive (from why-is-node-running):\n\n# MESSAGEPORT\n' +
        'src/worker.js:15 - const { port1 } = new MessageChannel()\n\n# Immediate\n' +
        'src/loop.js:9     - setImmediate(loop)',
    )
  })

  it("prints nothing when only the runtime's own resources are left", () => {
    expect(formatHangEntries([])).toBe('')
  })
})
