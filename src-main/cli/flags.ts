// Command-line flags for the CLIs, through node:util's parseArgs: `--name value` flags and `--name`
// switches, strictly (an unknown flag, a flag without its value or a stray argument is refused with
// the usage line); `--help` / `-h` prints the usage and exits.
import { parseArgs } from 'node:util'

export function parseFlags<V extends string, S extends string = never>(
  argv: readonly string[],
  flags: { values: readonly V[]; switches?: readonly S[] },
  usage: string
): Partial<Record<V, string>> & Partial<Record<S, boolean>> {
  const options: Record<string, { type: 'string' | 'boolean'; short?: string }> = { help: { type: 'boolean', short: 'h' } }
  for (const name of flags.values) options[name] = { type: 'string' }
  for (const name of flags.switches ?? []) options[name] = { type: 'boolean' }
  let values: Record<string, string | boolean | undefined>
  try {
    values = parseArgs({ args: [...argv], options, strict: true, allowPositionals: false }).values
  } catch (err) {
    throw new Error(`${(err as Error).message}\n${usage}`)
  }
  if (values.help === true) {
    console.log(usage)
    process.exit(0)
  }
  delete values.help
  return values as Partial<Record<V, string>> & Partial<Record<S, boolean>>
}
