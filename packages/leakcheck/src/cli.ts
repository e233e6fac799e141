// `leakcheck [--timeout <ms>] [--json] -- <command>`: runs a command with the register preload in
// NODE_OPTIONS and exits non-zero when its Node program leaves handles open (cli/verdict.ts).
import { type CliArguments, parseArguments, USAGE } from './cli/arguments.js'
import { USAGE_EXIT_CODE } from './cli/exit-codes.js'
import { run } from './cli/run.js'
import { verdict } from './cli/verdict.js'

async function main(): Promise<void> {
  let args: CliArguments
  try {
    args = parseArguments(process.argv.slice(2))
  } catch (error) {
    process.stderr.write(`leakcheck: ${(error as Error).message}\n`)
    process.exitCode = USAGE_EXIT_CODE
    return
  }
  if (args.help) {
    process.stdout.write(`${USAGE}\n`)
    return
  }
  const outcome = await run(args)
  const decided = verdict(outcome)
  process.exitCode = decided.exitCode
  if (args.json) {
    process.stdout.write(`${JSON.stringify(decided.json)}\n`)
    return
  }
  // Printed after the command ended, so after its own output (an uncaught error included).
  const result = outcome.result
  const parts: string[] = []
  if (result !== undefined && outcome.timedOut && result.state === 'timed-out') {
    parts.push(
      `leakcheck: ${result.program} was still running after ${args.timeoutMs} ms; these keep it alive:`,
      result.report === '' ? 'No tracked handle (see below).' : result.report,
    )
    if (result.diagnosis !== '') parts.push(result.diagnosis)
  } else if (result !== undefined && result.report !== '') {
    const code = result.exitCode === null ? '' : ` (code ${result.exitCode})`
    parts.push(`leakcheck: ${result.program} exited${code} with handles still open.`, result.report)
  }
  const report = parts.length === 0 ? '' : `\n${parts.join('\n\n')}\n\n`
  process.stderr.write(`${report}${decided.line}\n`)
}

await main()
