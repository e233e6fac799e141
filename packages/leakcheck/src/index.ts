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
export {
  DEFAULT_OPTIONS,
  type LeakcheckOptions,
  type ProvidedAllowRule,
  type ProvidedPattern,
  type ResolvedOptions,
  resolveOptions,
} from './options.js'
export { leakcheck } from './plugin.js'
export { type Probe, type ProbeCheckOptions, type TrackOptions, track } from './probe.js'
export { type FormatOptions, formatLeaks } from './report.js'
export type { FileStats, RunStats } from './summary.js'
export type {
  AllowRule,
  HandleKind,
  HandleOwner,
  HandleState,
  OpenHandle,
  Scope,
} from './tracker/index.js'
