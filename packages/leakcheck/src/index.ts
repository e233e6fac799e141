/**
 * `@foo/leakcheck`: fail tests that leave sockets and other handles open.
 *
 * @packageDocumentation
 */
export { leakcheck } from './plugin.js'
