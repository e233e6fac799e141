import { didYouMean } from '../did-you-mean.js'
import { describeValue, LeakcheckError } from '../errors.js'
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
  'message-port',
  'broadcast-channel',
])

function matchText(pattern: string | RegExp, text: string): boolean {
  // search(), not test(): a /g or /y RegExp's test() resumes at lastIndex, so it would match
  // every other handle.
  return typeof pattern === 'string' ? text.includes(pattern) : text.search(pattern) !== -1
}

/** Host names and ports a handle talks to (remote for sockets, local for servers). */
function endpoints(handle: OpenHandle): { hosts: string[]; ports: number[] } {
  const endpoint =
    handle.kind === 'tcp-server' || handle.role === 'accepted' ? handle.local : handle.remote
  if (endpoint === undefined) return { hosts: [], ports: [] }
  const hosts = endpoint.host === undefined ? [endpoint.address] : [endpoint.host, endpoint.address]
  return { hosts, ports: endpoint.port === undefined ? [] : [endpoint.port] }
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

const RULE_KEYS = ['kind', 'host', 'port', 'createdBy'] as const

function invalidRule(message: string): LeakcheckError {
  return new LeakcheckError('LEAKCHECK_INVALID_ALLOW_RULE', message)
}

function checkPattern(value: unknown, where: string): void {
  // An empty string is in every host and stack: it would allow everything.
  if ((typeof value === 'string' && value !== '') || value instanceof RegExp) return
  throw invalidRule(
    `\`${where}\` must be a non-empty string or a RegExp, got ${describeValue(value)}. ` +
      `Fix: e.g. \`${where.replace(/^.*\./, '')}: 'example.com'\` or a RegExp like /\\.internal$/.`,
  )
}

function validateRule(rule: unknown, where: string): AllowRule {
  if (typeof rule !== 'object' || rule === null || Array.isArray(rule)) {
    throw invalidRule(
      `\`${where}\` must be an object like { kind, host, port, createdBy }, got ` +
        `${describeValue(rule)}. Fix: e.g. \`allow: [{ host: 'localhost', port: 6379 }]\`.`,
    )
  }
  const fields = rule as Record<string, unknown>
  for (const key of Object.keys(fields)) {
    if (!(RULE_KEYS as readonly string[]).includes(key)) {
      throw invalidRule(
        `\`${where}\` has an unknown field \`${key}\`.${didYouMean(key, RULE_KEYS)} ` +
          `Use ${RULE_KEYS.map((k) => `\`${k}\``).join(', ')}.`,
      )
    }
  }
  if (RULE_KEYS.every((key) => fields[key] === undefined)) {
    throw invalidRule(
      `\`${where}\` is empty, so it would allow every handle. Fix: give at least one of ` +
        '`kind`, `host`, `port` or `createdBy`, or use `mode: "warn"` to report without failing.',
    )
  }
  const { kind, host, port, createdBy } = fields
  const out: AllowRule = {}
  if (kind !== undefined) {
    const kinds = Array.isArray(kind) ? kind : [kind]
    for (const k of kinds) {
      if (!KINDS.has(k as HandleKind)) {
        throw invalidRule(
          `\`${where}.kind\` has ${describeValue(k)}, which is not a handle kind. ` +
            `Fix: use one of ${[...KINDS].map((known) => `'${known}'`).join(', ')}.`,
        )
      }
    }
    out.kind = kinds as HandleKind[]
  }
  if (host !== undefined) {
    checkPattern(host, `${where}.host`)
    out.host = host as string | RegExp
  }
  if (createdBy !== undefined) {
    checkPattern(createdBy, `${where}.createdBy`)
    out.createdBy = createdBy as string | RegExp
  }
  if (port !== undefined) {
    if (typeof port !== 'number' || !Number.isInteger(port) || port < 0 || port > 65535) {
      throw invalidRule(
        `\`${where}.port\` must be an integer from 0 to 65535, got ${describeValue(port)}.`,
      )
    }
    out.port = port
  }
  return out
}

/**
 * Checks allow rules at the edge, so a typo fails loudly instead of allowing everything. The one
 * validator for rules, whether they come from `leakcheck({ allow })`, `track({ allow })` or
 * `startTracker({ allow })`.
 *
 * @example
 * ```ts
 * validateAllowRules([{ host: 'localhost', port: 6379 }]) // the rules, checked
 * validateAllowRules([{ host: '' }]) // throws LeakcheckError LEAKCHECK_INVALID_ALLOW_RULE
 * ```
 * @throws {LeakcheckError} `LEAKCHECK_INVALID_ALLOW_RULE`
 */
export function validateAllowRules(rules: unknown): AllowRule[] {
  if (rules === undefined) return []
  if (!Array.isArray(rules)) {
    throw invalidRule(
      `\`allow\` must be an array of rules, got ${describeValue(rules)}. ` +
        "Fix: e.g. `allow: [{ kind: 'tcp-server' }]`.",
    )
  }
  return rules.map((rule, index) => validateRule(rule, `allow[${index}]`))
}
