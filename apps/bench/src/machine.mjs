/**
 * What the numbers were measured on: published with every result.
 *
 * @module
 */
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import os from 'node:os'

/** @param {string} name @returns {string | undefined} */
function versionOf(name) {
  try {
    // Read from this app's node_modules: some packages do not export ./package.json.
    const file = new URL(`../node_modules/${name}/package.json`, import.meta.url)
    return JSON.parse(readFileSync(file, 'utf8')).version
  } catch {
    return undefined
  }
}

/** @returns {string | undefined} */
function gitCommit() {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim()
  } catch {
    return undefined
  }
}

/**
 * Machine, OS, Node and package versions, date, and the load average when the run started
 * (a busy machine moves absolute figures; ratios from the same run stay comparable).
 *
 * @example
 * const machine = describeMachine()
 * machine.cpus.count // 2
 */
export function describeMachine() {
  const cpus = os.cpus()
  return {
    date: new Date().toISOString(),
    node: process.version,
    os: `${os.type()} ${os.release()} (${process.platform}-${process.arch})`,
    cpus: { count: cpus.length, model: cpus[0]?.model.trim() ?? 'unknown' },
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    loadAverage: os.loadavg().map((load) => Math.round(load * 100) / 100),
    commit: gitCommit(),
    versions: Object.fromEntries(
      ['undici', 'axios', 'got', 'ky', 'vitest', 'jest'].map((name) => [name, versionOf(name)]),
    ),
  }
}
