/**
 * `@foo/client`: a base class for REST API clients on undici that closes its own connections.
 *
 * @packageDocumentation
 */
export { Client } from './client.js'
