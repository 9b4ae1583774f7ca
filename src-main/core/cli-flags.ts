// Reading command-line flags for every entry point (the CLIs, serve mode, the headless audit) through
// node:util's parseArgs, with each refusal worded the same way everywhere: `unknown option "--x"`,
// `--port needs a value`, `--out is given twice`, `unexpected argument "x"`. parseArgs runs in its
// lenient mode with tokens so the checks below, not Node's own messages, decide what the user reads.
import { parseArgs } from 'node:util'

export class UsageError extends Error {
  override readonly name = 'UsageError'
}

export interface FlagSpec<V extends string, S extends string, L extends string = never> {
  /** `--name value` or `--name=value` flags. */
  readonly values: readonly V[]
  /** `--name` switches (no value). */
  readonly switches?: readonly S[]
  /** `--name a b c` flags taking every value up to the next flag (and may be repeated). */
  readonly lists?: readonly L[]
}

export interface ReadFlags<V extends string, S extends string, L extends string = never> {
  readonly values: Partial<Record<V, string>>
  readonly switches: Partial<Record<S, true>>
  readonly lists: Partial<Record<L, string[]>>
  /** `--help` or `-h` was given. */
  readonly help: boolean
}

export function readFlags<V extends string, S extends string = never, L extends string = never>(argv: readonly string[], spec: FlagSpec<V, S, L>): ReadFlags<V, S, L> {
  const valueNames = new Set<string>([...spec.values, ...(spec.lists ?? [])])
  const switchNames = new Set<string>(spec.switches ?? [])
  const listNames = new Set<string>(spec.lists ?? [])
  const options: Record<string, { type: 'string' | 'boolean'; short?: string }> = { help: { type: 'boolean', short: 'h' } }
  for (const name of valueNames) options[name] = { type: 'string' }
  for (const name of switchNames) options[name] = { type: 'boolean' }
  const { tokens } = parseArgs({ args: [...argv], options, strict: false, allowPositionals: true, tokens: true })
  const values: Partial<Record<string, string>> = {}
  const switches: Partial<Record<string, true>> = {}
  const lists: Partial<Record<string, string[]>> = {}
  /** The list flag whose values are being read: positionals after it belong to it. */
  let listing: string | null = null
  let help = false
  for (const token of tokens) {
    if (token.kind === 'positional' && listing !== null) {
      lists[listing]?.push(token.value)
      continue
    }
    if (token.kind === 'positional') throw new UsageError(`unexpected argument "${token.value}"`)
    if (token.kind === 'option-terminator') throw new UsageError('unexpected argument "--"')
    listing = null
    const shown = token.rawName
    if (token.name === 'help') {
      help = true
    } else if (valueNames.has(token.name)) {
      // Without `=`, a following flag is not taken as the value: `--port --host` forgot the port.
      const value = token.value
      if (value === undefined || value === '' || (!token.inlineValue && value.startsWith('-'))) throw new UsageError(`${shown} needs a value`)
      if (listNames.has(token.name)) {
        lists[token.name] = [...(lists[token.name] ?? []), value]
        listing = token.inlineValue ? null : token.name
        continue
      }
      if (values[token.name] !== undefined) throw new UsageError(`${shown} is given twice`)
      values[token.name] = value
    } else if (switchNames.has(token.name)) {
      if (token.inlineValue) throw new UsageError(`${shown} takes no value`)
      switches[token.name] = true
    } else {
      throw new UsageError(`unknown option "${shown}"`)
    }
  }
  return { values, switches, lists, help }
}
