import type { LeakGroup } from './policy.js'
import type { OpenHandle } from './tracker/types.js'

/** Where the report is read: a test runner, or a program run by the CLI. */
export type ReportContext = 'test' | 'program'

/** When to close something, worded for who opened it. */
function when(group: LeakGroup, context: ReportContext): string {
  if (context === 'program') return 'before the program exits (as soon as it is done with it)'
  return group.blame.test === undefined
    ? 'in afterAll'
    : 'before the test ends (in the test, or in afterEach if the test shares it with others)'
}

function isServer(handle: OpenHandle): boolean {
  return handle.kind === 'tcp-server' || (handle.kind === 'pipe' && handle.role === undefined)
}

function bodyAdvice(handle: OpenHandle): string {
  const owner = handle.owner
  if (owner?.type === 'foo-client') {
    return 'read or discard its response body (`await response.body.text()`), or pass a `signal` and abort the call'
  }
  if (owner?.type === 'pool' && owner.pool === 'node:http') {
    return 'consume the response (`res.resume()`) or destroy the request (`req.destroy()`)'
  }
  return 'consume or cancel the response body (`await res.text()`, `await body.dump()` or `res.body?.cancel()`), or abort the request with a `signal`'
}

/**
 * The one line that tells how to fix a group: what to call, on what, and when. Following it
 * makes the check pass (each kind has a fixture that applies it).
 *
 * @example
 * ```ts
 * fixLine(verdict.leaks[0], 'test')
 * // 'Close the server in afterAll: `server.closeAllConnections()` then ...'
 * ```
 */
export function fixLine(group: LeakGroup, context: ReportContext = 'test'): string {
  const cause = group.causes[0] as OpenHandle
  const at = when(group, context)
  switch (group.reason) {
    case 'short-timer':
      return `It does nothing harmful when it fires, but it keeps a process alive until then: clear it (\`clearTimeout(timer)\`) once the work it guards is done, or \`timer.unref()\`.`
    case 'unref':
      return `It is unref'd, so it does not keep the process alive, but it is still running: stop it ${at} (${cause.kind === 'worker' ? '`await worker.terminate()`' : cause.kind === 'child-process' ? '`child.kill()`' : '`close()`'}).`
    case 'left-busy':
      return `The last request on this pooled connection was left unfinished: ${bodyAdvice(cause)} ${at}.`
    case 'pool-not-closed': {
      const where =
        context === 'program'
          ? 'when the program is done with it'
          : 'in afterAll for an agent the file shares, or at the end of the test that creates it'
      return cause.owner?.type === 'pool' && cause.owner.pool === 'node:http'
        ? `Nobody closed the node:http Agent that keeps these connections: call \`agent.destroy()\` ${where}.`
        : `Nobody closed the undici Agent/Pool/Client that keeps these connections: \`await agent.close()\` ${where}.`
    }
    default:
      break
  }
  if (isServer(cause)) {
    if (cause.protocol === 'http2') {
      return `Close it ${at}: close its sessions first (\`session.close()\` for each, e.g. collected from the server's 'session' event), then \`await new Promise((resolve) => server.close(resolve))\`.`
    }
    const connections =
      group.members.length > 0 ? '`server.closeAllConnections()` (for an HTTP server) then ' : ''
    return `Close it ${at}: ${connections}\`await new Promise((resolve) => server.close(resolve))\`.`
  }
  switch (cause.kind) {
    case 'tcp-socket':
    case 'tls-socket':
    case 'pipe':
      if (cause.owner?.type === 'http2-session') {
        return `Close the HTTP/2 session ${at}: \`session.close()\` (await its 'close' event), or \`session.destroy()\`.`
      }
      if (cause.role === 'accepted') {
        return `Its server stopped listening but this connection is still open: after \`server.close()\`, call \`server.closeAllConnections()\` (HTTP) or destroy the sockets ${at}.`
      }
      return `Close it ${at}: \`socket.destroy()\` (or \`socket.end()\`).`
    case 'tcp-server':
      return `Close it ${at}: \`await new Promise((resolve) => server.close(resolve))\`.`
    case 'udp-socket':
      return `Close it ${at}: \`socket.close()\`.`
    case 'child-process':
      return `Wait for it to exit (\`await once(child, 'exit')\`) or stop it (\`child.kill()\`) ${at}.`
    case 'worker':
      return `Stop it ${at}: \`await worker.terminate()\`.`
    case 'fs-watcher':
      return `Close it ${at}: \`watcher.close()\` (for fs.watchFile: \`fs.unwatchFile(path)\`; for fs.promises.watch: end the \`for await\` loop, or abort its \`signal\`).`
    case 'timer':
      return `Clear it ${at}: \`clearTimeout(timer)\`, or \`timer.unref()\` if it must not keep the process alive.`
    case 'interval':
      return `Clear it ${at}: \`clearInterval(interval)\` (for \`timers/promises\` setInterval: end the loop, or pass a \`signal\` and abort it).`
    case 'message-port':
      return `Close it ${at}: \`port.close()\` (or remove its 'message' listeners).`
    case 'broadcast-channel':
      return `Close it ${at}: \`channel.close()\`.`
  }
}
