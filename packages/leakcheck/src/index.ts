/**
 * `@foo/leakcheck`: fail tests that leave sockets and other handles open, and say where.
 *
 * @packageDocumentation
 */
export {
  isLeakcheckError,
  LeakcheckError,
  type LeakcheckErrorCode,
  LeakError,
} from './errors.js'
export type { ReportContext } from './fix.js'
export type { LeakcheckOptions } from './options.js'
export { leakcheck } from './plugin.js'
export type { LeakGroup, Reason } from './policy.js'
export { type Probe, type ProbeCheckOptions, type TrackOptions, track } from './probe.js'
export { type FormatOptions, formatGroups, formatLeaks } from './report.js'
export type { FileStats, RunStats } from './summary.js'
export type {
  AllowRule,
  Endpoint,
  HandleKind,
  HandleOwner,
  HandleState,
  OpenHandle,
  Scope,
  SocketRole,
  StackFrame,
} from './tracker/index.js'
