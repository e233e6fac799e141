/**
 * Where a managed owner was created, as a formatted stack string.
 *
 * Formatted at once on purpose: V8 keeps an unformatted captured stack as call-site objects that
 * hold each frame's receiver, and the receiver of the owner's constructor frame IS the owner, so a
 * lazily formatted stack would keep every owner alive forever (measured: WeakRef still alive after
 * gc). Formatting costs ~3 us more than capturing (Node 20.20), paid once per `manage()` call.
 */
export function captureCreationStack(skipAbove: (...args: never[]) => unknown): string {
  const holder: { stack?: string } = {}
  Error.captureStackTrace(holder, skipAbove)
  const stack = holder.stack ?? ''
  const firstFrame = stack.indexOf('\n')
  return firstFrame === -1 ? '' : stack.slice(firstFrame + 1)
}
