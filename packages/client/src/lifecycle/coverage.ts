/**
 * Whether finalizers are enabled in this process.
 *
 * Off when `NODE_V8_COVERAGE` is set: with it, FinalizationRegistry callbacks have hung processes at
 * exit (nodejs/node#49344); undici and pino turn theirs off for the same reason. Resources are then
 * closed by `close()`/`destroy()` or by the exit listener only.
 */
export function finalizersEnabled(env: NodeJS.ProcessEnv = process.env): boolean {
  return !env.NODE_V8_COVERAGE
}
