/**
 * `@foo/testkit` (private): real servers on 127.0.0.1 for tests, the demo and benchmarks, and
 * the one exit-path harness (scenarios, `runChild`, `judge`), peer catalog and GC helper.
 *
 * @packageDocumentation
 */
export { type Certificate, createCertificate } from './certificate.js'
export {
  type ConnectionCounts,
  countEndings,
  describeSeenExit,
  findMarker,
  judge,
  type Marker,
  type Observation,
  parseMarkers,
  type Verdict,
} from './exit/judge.js'
export { MARKER_TAG } from './exit/marker.js'
export { currentNode, type NodeBinary, NodeBinaryError, resolveNodes } from './exit/nodes.js'
export {
  type Applicability,
  applicability,
  isSignalDeath,
  type PlatformRules,
  platformRules,
} from './exit/platform.js'
export {
  type ChildOutcome,
  programPath,
  type RunChildOptions,
  runChild,
  SCENARIO_DIR,
} from './exit/run.js'
export {
  type ClientFeature,
  describeExit,
  type Expectation,
  type ExpectedExit,
  SCENARIOS,
  type Scenario,
  scenario,
} from './exit/scenarios.js'
export { renderScenarioTable } from './exit/table.js'
export {
  FAULTS,
  type FaultCounts,
  type FaultName,
  type FaultServer,
  type FaultServerOptions,
  type RandomFaults,
  type RequestRecord,
  startFaultServer,
} from './faults.js'
export { collectGarbage, collectUntil, gcFunction } from './gc.js'
export {
  type NodeOptions,
  type NodeProcess,
  type NodeRun,
  now,
  runNode,
  startNode,
} from './node-process.js'
export {
  type ConnectionEnding,
  type ConnectionRecord,
  type Observer,
  type ObserverOptions,
  startObserver,
} from './observer.js'
export {
  type ClientModule,
  clientEntry,
  importClient,
  type MakePeerClient,
  PEERS,
  type Peer,
  type PeerClient,
  PeerError,
  type PeerName,
  type PeerOptions,
  type PeerQuery,
  peer,
} from './peers.js'
export { type ConnectRecord, type StartProxyOptions, startProxy, type TestProxy } from './proxy.js'
export { type Protocol, type StartServerOptions, startServer, type TestServer } from './server.js'
export { WaitTimeoutError, waitFor } from './wait.js'
