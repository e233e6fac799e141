/**
 * `@foo/client/lifecycle`: the process-wide registry behind `@foo/client`, public for any
 * closable resource.
 *
 * @packageDocumentation
 */
export const lifecycleVersion = 1
