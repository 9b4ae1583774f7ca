// "Table 1 in miniature": the whole PopAlign loop on the built-in world in one command (acquire
// preferences from the base model, snapshot, fine-tune PopAlign and SFT, evaluate all three on held-out
// prompts, print and store the table), over several seeds, with the targets per seed and pooled.
// Resumable: run the same command again after an interruption.
//
//   npx tsx src-main/cli/table1.ts [--workdir DIR] [--base resources/models/base/base.ckpt]
//        [--seeds 2,3,4 | --seed S] [--tag NAME] [--quick] [--prepare] [--steps N] [--beta B] [--alpha A]
//        [--lr LR] [--pairs N] [--dropout P] [--weighting constant|debias]
//
// The default seeds are the evaluation seeds (2, 3, 4). Settings are chosen on the development seeds
// (101-103) only: pass --seeds 101,102,103 while tuning.
// --prepare runs only the stages that do not depend on the fine-tune settings (acquisition, snapshot,
// renders, base evaluation) and prints no figure, so evaluation seeds can be prepared while tuning.
// Progress goes to stderr; the tables (Markdown) to stdout and to DIR/<tag>/ (per seed and pooled).
import { join, resolve } from 'node:path'
import { applyOverrides, EVAL_SEEDS, fullSettings, prepareTable1, quickSettings, type SettingOverrides } from './experiments/table1'
import { runTable1Seeds } from './experiments/table1/seeds'
import { parseFlags } from './flags'

const VALUE_FLAGS = ['workdir', 'base', 'seed', 'seeds', 'tag', 'steps', 'beta', 'alpha', 'lr', 'pairs', 'dropout', 'weighting'] as const
type Flag = (typeof VALUE_FLAGS)[number]

const USAGE =
  'usage: table1 [--workdir DIR] [--base CKPT] [--seeds 2,3,4 | --seed S] [--tag NAME] [--quick] [--prepare] [--steps N] [--beta B] [--alpha A] [--lr LR] [--pairs N] [--dropout P] [--weighting constant|debias]'

function parseArgs(argv: string[]): { values: Partial<Record<Flag, string>>; quick: boolean; prepare: boolean } {
  const { quick, prepare, ...values } = parseFlags(argv, { values: VALUE_FLAGS, switches: ['quick', 'prepare'] }, USAGE)
  if (values.seed !== undefined && values.seeds !== undefined) throw new Error('give --seed or --seeds, not both')
  return { values, quick: quick === true, prepare: prepare === true }
}

function parseNumber(flag: string, raw: string, integer: boolean): number {
  const v = Number(raw)
  if (raw.trim() === '' || !Number.isFinite(v) || v < 0 || (integer && !Number.isInteger(v))) throw new Error(`--${flag} must be a non-negative ${integer ? 'integer' : 'number'}, got "${raw}"`)
  return v
}

function num(values: Partial<Record<Flag, string>>, flag: Flag, integer: boolean): number | undefined {
  const raw = values[flag]
  return raw === undefined ? undefined : parseNumber(flag, raw, integer)
}

function parseSeeds(values: Partial<Record<Flag, string>>): number[] {
  if (values.seed !== undefined) return [parseNumber('seed', values.seed, true)]
  if (values.seeds === undefined) return [...EVAL_SEEDS]
  const seeds = values.seeds.split(',').map((s) => parseNumber('seeds', s.trim(), true))
  if (new Set(seeds).size !== seeds.length) throw new Error(`--seeds lists a seed twice: ${values.seeds}`)
  return seeds
}

function weighting(raw: string | undefined): 'constant' | 'debias' | undefined {
  if (raw === undefined || raw === 'constant' || raw === 'debias') return raw
  throw new Error(`--weighting must be constant or debias, got "${raw}"`)
}

async function main(): Promise<void> {
  const { values, quick, prepare } = parseArgs(process.argv.slice(2))
  const seeds = parseSeeds(values)
  const overrides: SettingOverrides = {
    steps: num(values, 'steps', true),
    beta: num(values, 'beta', false),
    alpha: num(values, 'alpha', false),
    learningRate: num(values, 'lr', false),
    pairsPerPrompt: num(values, 'pairs', true),
    condDropout: num(values, 'dropout', false),
    weighting: weighting(values.weighting)
  }
  const settingsFor = (seed: number) => applyOverrides(quick ? quickSettings(seed) : fullSettings(seed), overrides)
  const workdir = resolve(values.workdir ?? (quick ? '.tmp/table1-quick' : '.tmp/table1'))
  const base = resolve(values.base ?? 'resources/models/base/base.ckpt')
  const tag = values.tag ?? 'table1'
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
  log(`workdir ${workdir}, base ${base}, seeds ${seeds.join(', ')}, tag ${tag}${quick ? ', --quick' : ''}`)
  if (prepare) {
    // Only what does not depend on the fine-tune settings; no figure is printed.
    for (const seed of seeds) await prepareTable1({ workdir: join(workdir, `seed-${seed}`), base, settings: settingsFor(seed), log: (l) => log(`[seed ${seed}] ${l}`) })
    return
  }
  const out = await runTable1Seeds({ workdir, base, seeds, settingsFor, tag, log })
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
