import manifest from '../package.json' with { type: 'json' }
import { invalidArgument } from './errors.js'

/** This package's version, as published. */
export const clientVersion: string = manifest.version

const product = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+(\/[!#$%&'*+\-.^_`|~0-9A-Za-z]+)?$/

/**
 * The default `user-agent`: `<sdk>/<version> @foo/client/<version> node/<version>`, the SDK's
 * part first when given (`userAgent: 'acme-sdk/2.1.0'`). Some APIs (GitHub among them) refuse
 * requests without one; a `user-agent` header replaces the whole value.
 */
export function defaultUserAgent(sdk: unknown): string {
  const base = `@foo/client/${clientVersion} node/${process.versions.node}`
  if (sdk === undefined) return base
  if (typeof sdk !== 'string' || !sdk.split(' ').every((part) => product.test(part))) {
    throw invalidArgument(
      `userAgent must be your SDK's product token such as 'acme-sdk/2.1.0' (letters, digits, -._~ and one /), got ${JSON.stringify(sdk)}; to replace the whole header set headers: { 'user-agent': '...' }.`,
    )
  }
  return `${sdk} ${base}`
}
