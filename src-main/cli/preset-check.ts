// Runs the fine-tuning presets through the quality check (cli/experiments/preset-check.ts) and prints
// each one's image fidelity gap and discrepancies against the base model's.
//   npm run preset-check -- [--preset NAME] [--method popalign|dpo|sft] [--seed S] [--lr LR] [--steps N] [--beta B] [--sheets DIR]
// --sheets writes each check's contact sheet (base and tuned) as PNGs, to look at before believing a number.
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { checkPreset } from './experiments/preset-check'
import { openQualityTools } from '../core/features/models/quality-check'
import { FINETUNE_PRESETS } from '../core/features/fine-tuning/presets'
import { isFinetuneMethod } from '../core/training/finetune/spec'
import { processClassifierDir } from './process-config'

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      preset: { type: 'string' },
      method: { type: 'string', default: 'popalign' },
      seed: { type: 'string', default: '101' },
      lr: { type: 'string' },
      steps: { type: 'string' },
      beta: { type: 'string' },
      base: { type: 'string', default: join('resources', 'models', 'base', 'base.ckpt') },
      sheets: { type: 'string' }
    }
  })
  if (!isFinetuneMethod(values.method)) throw new Error(`--method must be popalign, dpo or sft, got ${values.method}`)
  const method = values.method
  const number = (flag: string, v: string | undefined): number | undefined => {
    if (v === undefined) return undefined
    const n = Number(v)
    if (!Number.isFinite(n) || n <= 0) throw new Error(`--${flag} must be a positive number, got ${v}`)
    return n
  }
  const seed = number('seed', values.seed) as number
  const presets = values.preset ? FINETUNE_PRESETS.filter((p) => p.name === values.preset) : FINETUNE_PRESETS
  if (presets.length === 0) throw new Error(`no preset "${values.preset}" (expected ${FINETUNE_PRESETS.map((p) => p.name).join(', ')})`)
  const tools = await openQualityTools(processClassifierDir())
  try {
    console.log(`| preset | method | seed | lr | steps | fidelity gap base -> tuned | change | silhouette disc. | tone disc. | passed | s |`)
    console.log('|---|---|---|---|---|---|---|---|---|---|---|')
    for (const p of presets) {
      const settings = {
        ...p.settings,
        learningRate: number('lr', values.lr) ?? p.settings.learningRate,
        steps: number('steps', values.steps) ?? p.settings.steps,
        beta: number('beta', values.beta) ?? p.settings.beta
      }
      const r = await checkPreset(values.base, tools, method, settings, seed, (step, total) => process.stderr.write(`\r${p.name}: step ${step}/${total}`))
      process.stderr.write('\n')
      if (values.sheets) {
        mkdirSync(values.sheets, { recursive: true })
        for (const [name, q] of [
          ['base', r.baseline],
          [`${p.name}-${method}-seed${seed}-lr${settings.learningRate}`, r.final]
        ] as const) {
          writeFileSync(join(values.sheets, `${name}.png`), Buffer.from(q.sheet.replace(/^data:image\/png;base64,/, ''), 'base64'))
        }
      }
      const f = (q: typeof r.final): string => (q.fidelity ? `${q.fidelity.value.toFixed(2)} [${q.fidelity.low.toFixed(2)}, ${q.fidelity.high.toFixed(2)}]` : 'n/a')
      const d = (axis: string): string =>
        r.baseline.discrepancy
          .concat(r.final.discrepancy)
          .filter((x) => x.axis === axis)
          .map((x) => x.value?.toFixed(3) ?? 'n/a')
          .join(' -> ')
      console.log(
        `| ${p.name} | ${method} | ${seed} | ${settings.learningRate} | ${settings.steps} | ${f(r.baseline)} -> ${f(r.final)} | ${r.final.quality ? `${(100 * r.final.quality.change).toFixed(0)}%` : 'n/a'} | ${d('silhouette')} | ${d('tone')} | ${r.passed ? 'yes' : 'no'} | ${r.seconds.toFixed(0)} |`
      )
    }
  } finally {
    await tools.dispose()
  }
}

main().catch((e: unknown) => {
  console.error(`preset-check: ${(e as Error).message}`)
  process.exit(1)
})
