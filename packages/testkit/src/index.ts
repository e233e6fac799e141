/**
 * `@foo/testkit` (private): real servers on 127.0.0.1 for tests, the demo and benchmarks.
 *
 * @packageDocumentation
 */
export { type Certificate, createCertificate } from './certificate.js'
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
export {
  type ConnectionEnding,
  type ConnectionRecord,
  type Observer,
  type ObserverOptions,
  startObserver,
} from './observer.js'
export { type ConnectRecord, type StartProxyOptions, startProxy, type TestProxy } from './proxy.js'
export { type Protocol, type StartServerOptions, startServer, type TestServer } from './server.js'
