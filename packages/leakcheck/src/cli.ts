// `leakcheck [--timeout <ms>] -- node app.js [args]`: runs a Node program with the register
// preload and exits non-zero when it leaves handles open (exit codes in cli/exit-codes.ts).
import { type CliArguments, parseArguments, USAGE } from './cli/arguments.js'
import { USAGE_EXIT_CODE } from './cli/exit-codes.js'
import { run } from './cli/run.js'

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
  try {
    process.exitCode = await run(args)
  } catch (error) {
    process.stderr.write(
      `leakcheck: could not start ${args.command[0]}: ${(error as Error).message}\n`,
    )
    process.exitCode = USAGE_EXIT_CODE
  }
}

await main()
