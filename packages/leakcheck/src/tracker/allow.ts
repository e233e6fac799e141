import { LeakcheckError } from '../errors.js'
import type { AllowRule, HandleKind, OpenHandle } from './types.js'

const KINDS: ReadonlySet<HandleKind> = new Set<HandleKind>([
  'tcp-socket',
  'tls-socket',
  'tcp-server',
  'udp-socket',
  'pipe',
  'child-process',
  'worker',
  'fs-watcher',
  'timer',
  'interval',
])

function matchText(pattern: string | RegExp, text: string): boolean {
  // search(), not test(): a /g or /y RegExp's test() resumes at lastIndex, so it would match
  // every other handle.
  return typeof pattern === 'string' ? text.includes(pattern) : text.search(pattern) !== -1
}

/** Host names and ports a handle talks to (remote for sockets, local for servers). */
function endpoints(handle: OpenHandle): { hosts: string[]; ports: number[] } {
  const hosts: string[] = []
  const ports: number[] = []
  const address = handle.kind === 'tcp-server' ? handle.local : handle.remote
  if (address === undefined) return { hosts, ports }
  // 'example.com:443 (93.184.216.34)' or '[::1]:80' or '127.0.0.1:80'
  const match = /^(\[[^\]]+\]|[^\s:]+(?::[^\s:]+)*?)(?::(\d+))?(?: \(([^)]+)\))?$/.exec(address)
  if (match === null) return { hosts: [address], ports }
  const [, host, port, resolved] = match
  if (host !== undefined) hosts.push(host.replace(/^\[|\]$/g, ''))
  if (resolved !== undefined) hosts.push(resolved)
  if (port !== undefined) ports.push(Number(port))
  return { hosts, ports }
}

/** `true` when `handle` matches `rule` (every field the rule sets). */
export function allows(rule: AllowRule, handle: OpenHandle): boolean {
  if (rule.kind !== undefined) {
    const kinds = Array.isArray(rule.kind) ? rule.kind : [rule.kind]
    if (!kinds.includes(handle.kind)) return false
  }
  if (rule.host !== undefined || rule.port !== undefined) {
    const { hosts, ports } = endpoints(handle)
    const host = rule.host
    if (host !== undefined && !hosts.some((h) => matchText(host, h))) return false
    if (rule.port !== undefined && !ports.includes(rule.port)) return false
  }
  if (rule.createdBy !== undefined && !matchText(rule.createdBy, handle.stack)) return false
  return true
}

/**
 * Checks allow rules at the edge, so a typo fails loudly instead of allowing everything.
 * @throws {LeakcheckError} `LEAKCHECK_INVALID_ALLOW_RULE`
 */
export function validateAllowRules(rules: unknown): AllowRule[] {
  if (rules === undefined) return []
  if (!Array.isArray(rules)) {
    throw new LeakcheckError(
      'LEAKCHECK_INVALID_ALLOW_RULE',
      `allow must be an array of rules, got ${typeof rules}. Example: allow: [{ host: 'localhost' }]`,
    )
  }
  return rules.map((rule, index) => {
    const where = `allow[${index}]`
    if (typeof rule !== 'object' || rule === null) {
      throw new LeakcheckError('LEAKCHECK_INVALID_ALLOW_RULE', `${where} must be an object.`)
    }
    const { kind, host, port, createdBy, ...rest } = rule as Record<string, unknown>
    const unknown = Object.keys(rest)
    if (unknown.length > 0) {
      throw new LeakcheckError(
        'LEAKCHECK_INVALID_ALLOW_RULE',
        `${where} has unknown field(s) ${unknown.join(', ')}; use kind, host, port or createdBy.`,
      )
    }
    if (Object.keys(rule).length === 0) {
      throw new LeakcheckError(
        'LEAKCHECK_INVALID_ALLOW_RULE',
        `${where} is empty and would allow every leak; set kind, host, port or createdBy.`,
      )
    }
    const kinds = kind === undefined ? [] : Array.isArray(kind) ? kind : [kind]
    for (const k of kinds) {
      if (!KINDS.has(k as HandleKind)) {
        throw new LeakcheckError(
          'LEAKCHECK_INVALID_ALLOW_RULE',
          `${where}.kind ${JSON.stringify(k)} is not a handle kind; use one of ${[...KINDS].join(', ')}.`,
        )
      }
    }
    for (const [name, value] of [
      ['host', host],
      ['createdBy', createdBy],
    ] as const) {
      // An empty string is in every host and stack: it would allow everything.
      if (
        value !== undefined &&
        !(value instanceof RegExp) &&
        (typeof value !== 'string' || value === '')
      ) {
        throw new LeakcheckError(
          'LEAKCHECK_INVALID_ALLOW_RULE',
          `${where}.${name} must be a non-empty string or a RegExp.`,
        )
      }
    }
    if (
      port !== undefined &&
      (!Number.isInteger(port) || (port as number) < 0 || (port as number) > 65535)
    ) {
      throw new LeakcheckError(
        'LEAKCHECK_INVALID_ALLOW_RULE',
        `${where}.port must be a port number (an integer from 0 to 65535), got ${JSON.stringify(port)}.`,
      )
    }
    return rule as AllowRule
  })
}
