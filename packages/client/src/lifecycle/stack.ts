/** A captured, not yet formatted stack: only {@link formatStack} may read it. */
export interface CapturedStack {
  readonly stack?: string
}

const noStack: CapturedStack = Object.freeze({})

/**
 * Captures the stack of frames below `skipAbove` without formatting it (the cheap half of
 * `new Error()`: no strings are built).
 *
 * Keep it ONLY where nothing outlives the frames' receivers: V8 holds an unformatted stack as
 * call sites that reference each frame's receiver and function, and the receiver of a
 * constructor frame is the object being built. A client may keep its own captured stack (a
 * cycle, collected with it); the lifecycle registry, which outlives every client, may keep only
 * {@link formatStack}'s string (measured: a kept unformatted stack kept its client alive).
 */
export function captureStack(
  skipAbove: ((...args: never[]) => unknown) | (abstract new (...args: never[]) => unknown),
): CapturedStack {
  // Stacks turned off: V8 would still define a `stack` accessor (~0.4 us), for nothing.
  if (!(Error.stackTraceLimit > 0)) return noStack
  const holder: { stack?: string } = {}
  Error.captureStackTrace(holder, skipAbove)
  return holder
}

/** The `    at ...` lines of a captured stack, formatted now (`''` if `Error.stackTraceLimit` is 0). */
export function formatStack(captured: CapturedStack): string {
  const stack = captured.stack ?? ''
  const firstFrame = stack.indexOf('\n')
  return firstFrame === -1 ? '' : stack.slice(firstFrame + 1)
}
