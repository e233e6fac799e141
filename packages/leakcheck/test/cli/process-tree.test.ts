import { spawn } from 'node:child_process'
import { afterEach, describe, expect, it } from 'vitest'
import { stopProcessTree, treeStopPlan } from '../../src/cli/process-tree.js'
import { killAll, stillAlive } from '../helpers/processes.js'

const started: number[] = []
afterEach(() => {
  killAll(started)
  started.length = 0
})

describe('treeStopPlan: the one per-platform decision', () => {
  it('POSIX: signal the process group the command leads', () => {
    for (const platform of ['linux', 'darwin', 'freebsd'] as const) {
      expect(treeStopPlan(platform, 4242)).toEqual({ kind: 'group', pgid: 4242 })
    }
  })

  it('Windows: taskkill /T /F on the pid (walks the tree by parent pid)', () => {
    expect(treeStopPlan('win32', 4242)).toEqual({
      kind: 'taskkill',
      command: 'taskkill',
      args: ['/T', '/F', '/PID', '4242'],
    })
  })
})

describe.skipIf(process.platform === 'win32')('stopProcessTree on POSIX', () => {
  it('ends a group whose middle process already exited (its child was orphaned)', async () => {
    // sh starts a sleeper in the background and exits: the sleeper is orphaned, still in the group.
    const leader = spawn('sh', ['-c', 'sleep 60 & echo $!; sleep 60'], {
      detached: true,
      stdio: ['ignore', 'pipe', 'ignore'],
    })
    const sleeper = await new Promise<number>((resolve) =>
      leader.stdout.once('data', (chunk: Buffer) => resolve(Number(String(chunk).trim()))),
    )
    started.push(leader.pid as number, sleeper)
    await stopProcessTree(leader.pid as number)
    expect(await stillAlive([leader.pid as number, sleeper])).toEqual([])
  })

  it('kills what ignores SIGTERM', async () => {
    const stubborn = spawn(
      process.execPath,
      ['-e', "process.on('SIGTERM', () => {}); console.log('ready'); setInterval(() => {}, 1000)"],
      { detached: true, stdio: ['ignore', 'pipe', 'ignore'] },
    )
    await new Promise((resolve) => stubborn.stdout.once('data', resolve))
    started.push(stubborn.pid as number)
    await stopProcessTree(stubborn.pid as number)
    expect(await stillAlive([stubborn.pid as number])).toEqual([])
  })
})
