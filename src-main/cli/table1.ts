// "Table 1 in miniature": the whole PopAlign loop on the built-in world in one command (acquire
// preferences from the base model, snapshot, fine-tune PopAlign and SFT, evaluate all three on held-out
// prompts, print and store the table). Resumable: run the same command again after an interruption.
//
//   npx tsx src-main/cli/table1.ts [--workdir DIR] [--base resources/models/base/base.ckpt] [--seed S]
//        [--quick] [--steps N] [--beta B] [--lr LR] [--pairs N]
//
// Progress goes to stderr; the table (Markdown) to stdout, and to DIR/table1.md and DIR/table1.json.
import { resolve } from 'node:path'
import { applyOverrides, fullSettings, quickSettings, runTable1, type SettingOverrides } from '../core/experiments/table1'

const VALUE_FLAGS = ['workdir', 'base', 'seed', 'steps', 'beta', 'lr', 'pairs'] as const
type Flag = (typeof VALUE_FLAGS)[number]

const USAGE = 'usage: table1 [--workdir DIR] [--base CKPT] [--seed S] [--quick] [--steps N] [--beta B] [--lr LR] [--pairs N]'

function parseArgs(argv: string[]): { values: Partial<Record<Flag, string>>; quick: boolean } {
  const values: Partial<Record<Flag, string>> = {}
  let quick = false
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    if (a === '--help' || a === '-h') {
      console.log(USAGE)
      process.exit(0)
    }
    if (a === '--quick') {
      quick = true
      continue
    }
    const key = a.startsWith('--') ? (a.slice(2) as Flag) : null
    if (!key || !VALUE_FLAGS.includes(key)) throw new Error(`unknown argument "${a}"\n${USAGE}`)
    if (i + 1 >= argv.length) throw new Error(`--${key} needs a value`)
    values[key] = argv[++i]
  }
  return { values, quick }
}

function num(values: Partial<Record<Flag, string>>, flag: Flag, integer: boolean): number | undefined {
  const raw = values[flag]
  if (raw === undefined) return undefined
  const v = Number(raw)
  if (!Number.isFinite(v) || v < 0 || (integer && !Number.isInteger(v))) throw new Error(`--${flag} must be a non-negative ${integer ? 'integer' : 'number'}, got "${raw}"`)
  return v
}

async function main(): Promise<void> {
  const { values, quick } = parseArgs(process.argv.slice(2))
  const seed = num(values, 'seed', true) ?? 1
  const overrides: SettingOverrides = { steps: num(values, 'steps', true), beta: num(values, 'beta', false), learningRate: num(values, 'lr', false), pairsPerPrompt: num(values, 'pairs', true) }
  const settings = applyOverrides(quick ? quickSettings(seed) : fullSettings(seed), overrides)
  const workdir = resolve(values.workdir ?? (quick ? '.tmp/table1-quick' : '.tmp/table1'))
  const base = resolve(values.base ?? 'resources/models/base/base.ckpt')
  const started = Date.now()
  const log = (line: string): void => {
    const s = Math.round((Date.now() - started) / 1000)
    console.error(`${String(Math.floor(s / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')} ${line}`)
  }
  process.on('SIGINT', () => {
    // Every stage keeps its output and the studio's jobs resume from their last commit.
    console.error(`\ninterrupted; run the same command again to resume (workdir ${workdir})`)
    process.exit(130)
  })
  log(`workdir ${workdir}, base ${base}, seed ${seed}${quick ? ', --quick' : ''}`)
  const out = await runTable1({ workdir, base, settings, log })
  console.log(out.markdown)
  log(`wrote ${out.markdownPath} and ${out.jsonPath}`)
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(`table1: ${err instanceof Error ? err.message : String(err)}`)
    process.exit(1)
  }
)
