// The CLIs' flags: core/cli-flags.ts reads them; here a refusal carries the usage line and `--help`
// prints it and exits, as a command-line tool should.
import { readFlags, UsageError } from '../core/cli-flags'

export function parseFlags<V extends string, S extends string = never>(
  argv: readonly string[],
  flags: { values: readonly V[]; switches?: readonly S[] },
  usage: string
): Partial<Record<V, string>> & Partial<Record<S, boolean>> {
  let read
  try {
    read = readFlags(argv, flags)
  } catch (err) {
    if (err instanceof UsageError) throw new Error(`${err.message}\n${usage}`)
    throw err
  }
  if (read.help) {
    console.log(usage)
    process.exit(0)
  }
  return { ...read.values, ...read.switches }
}
