// `npm run bench:curve`: does a run on the onnxruntime backend follow the tfjs run, and how long do the
// two take? Two measurements, each with both backends stepped in turn (one tfjs step, one onnxruntime
// step) so that load from other work hits both alike:
//
// 1. a base-model phase: the shipped base model's recipe (evaluation/base-recipe.ts: patch 4, width 96,
//    depth 4, batch 64, lr 1e-3) from fresh weights on the built-in world, same seed on both backends
//    (so the same batches, timesteps and noise), N steps (default 1,000). The loss curves are compared
//    window by window: the difference of the window means against the window's standard error.
// 2. a fine-tune with the Table 1 recipe (cli/experiments/table1/options.ts fullSettings: PopAlign,
//    beta 1000, alpha 0.5, batch 8, lr 5e-5, caption dropout 0.2, 1/sqrt(SNR), 200 steps) from the shipped
//    base model on world images labelled winner/loser.
//
// Wall time is the sum of each backend's step times (checkpoint writing excluded). A figure for
// docs/engine-speed.md, not a test.
//
// `--against cuda` (or dml, coreml) compares onnxruntime on the CPU with onnxruntime on that execution
// provider instead of tfjs with onnxruntime: the GPU check (scripts/gpu-check-ort.sh).
//
//   npm run bench:curve -- [--steps 1000] [--window 50] [--finetune-steps 200] [--skip-base] [--skip-finetune]
//                          [--against cuda] [--write FILE.json]
import { writeFileSync } from 'node:fs'
import { cpus, loadavg } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { loadCheckpoint } from '../src-main/core/engine/checkpoint/store'
import { loadTf, describeBackend } from '../src-main/core/engine/tf/backend'
import { OrtTrainer } from '../src-main/core/engine/onnx-train/trainer'
import { parseTrainConfig } from '../src-main/core/engine/train/config'
import { Trainer } from '../src-main/core/engine/train/trainer'
import { baseTrainConfig, BASE_DATA_OPTIONS } from '../src-main/core/evaluation/base-recipe'
import { defaultBaseModelDir, BASE_CHECKPOINT_FILE } from '../src-main/core/features/models/paths'
import { fullSettings } from '../src-main/cli/experiments/table1/options'
import { buildPreferenceData } from '../src-main/core/training/finetune/data'
import { FinetuneStepper } from '../src-main/core/training/finetune/step'
import { OrtFinetuneStepper } from '../src-main/core/training/finetune/ort-stepper'
import type { PreferenceImage } from '../src-main/core/training/finetune/spec'
import { createDataSource } from '../src-main/core/world/world-source'
import { Rng } from '../src-main/core/random/rng'
import type { DiTConfig } from '../src-main/core/engine/model/dit-spec'
import type { DataSource } from '../src-main/core/engine/train/data-source'
import type { TrainConfig } from '../src-main/core/engine/train/config'
import { parseProviderChoice, providerLabel, type ExecutionProvider } from '../src-main/core/engine/onnx/providers'
import type { Tf } from '../src-main/core/engine/tf/backend'
import { processConfig } from '../src-main/cli/process-config'

const { values } = parseArgs({
  options: {
    steps: { type: 'string', default: '1000' },
    window: { type: 'string', default: '50' },
    'finetune-steps': { type: 'string', default: '200' },
    'skip-base': { type: 'boolean', default: false },
    'skip-finetune': { type: 'boolean', default: false },
    against: { type: 'string' },
    write: { type: 'string' }
  }
})

function positive(name: string, raw: string): number {
  const v = Number(raw)
  if (!Number.isInteger(v) || v <= 0) throw new Error(`--${name} must be a positive integer, got "${raw}"`)
  return v
}

const load = (): string => loadavg()[0].toFixed(1)
const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length
const sd = (xs: number[]): number => {
  const m = mean(xs)
  return Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / Math.max(1, xs.length - 1))
}

interface Side {
  losses: number[]
  ms: number[]
}

/** One side of the comparison: a training run that takes a step and reports its loss. */
interface Run {
  label: string
  step(): number | Promise<number>
  dispose(): void | Promise<void>
}

/** tfjs, or onnxruntime on one execution provider. */
async function openRun(side: 'tfjs' | ExecutionProvider, tf: Tf, config: TrainConfig, data: DataSource): Promise<Run> {
  if (side === 'tfjs') {
    const t = new Trainer(tf, config, data)
    return { label: 'tfjs', step: () => t.trainStep(), dispose: () => t.dispose() }
  }
  const t = await OrtTrainer.create(config, data, undefined, { provider: side })
  return { label: `onnxruntime ${providerLabel(side)}`, step: () => t.trainStep(), dispose: () => t.dispose() }
}

interface CurveWindow {
  from: number
  to: number
  /** The two runs' window means. */
  a: number
  b: number
  /** |b - a| over the larger standard error of the two window means. */
  zScore: number
}

/** Window means of both curves and how far apart they are in units of the window's standard error. */
function compareCurves(a: number[], b: number[], window: number): CurveWindow[] {
  const out: CurveWindow[] = []
  for (let s = 0; s < a.length; s += window) {
    const wa = a.slice(s, s + window)
    const wb = b.slice(s, s + window)
    const se = Math.max(sd(wa), sd(wb)) / Math.sqrt(wa.length)
    out.push({ from: s + 1, to: s + wa.length, a: mean(wa), b: mean(wb), zScore: Math.abs(mean(wa) - mean(wb)) / se })
  }
  return out
}

async function timed<T>(fn: () => T | Promise<T>): Promise<[T, number]> {
  const t0 = performance.now()
  const v = await fn()
  return [v, performance.now() - t0]
}

function report(name: string, [A, B]: [string, string], a: Side, b: Side): Record<string, unknown> {
  const sa = a.ms.reduce((x, y) => x + y, 0) / 1000
  const sb = b.ms.reduce((x, y) => x + y, 0) / 1000
  console.log(`${name}: wall time ${A} ${sa.toFixed(1)} s, ${B} ${sb.toFixed(1)} s (${B} / ${A} ${(sb / sa).toFixed(2)}); median step ${median(a.ms).toFixed(0)} ms vs ${median(b.ms).toFixed(0)} ms`)
  return { seconds: [sa, sb], ratio: sb / sa, medianMs: [median(a.ms), median(b.ms)] }
}

function median(xs: number[]): number {
  const s = [...xs].sort((x, y) => x - y)
  const m = s.length >> 1
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2
}

/** Labelled world images for the fine-tune's timing: the first half of each batch wins, the second loses. */
function worldPreferenceImages(model: DiTConfig, n: number, seed: number): PreferenceImage[] {
  const data = createDataSource(BASE_DATA_OPTIONS, model)
  const batch = data.sampleBatch(new Rng(seed), n)
  const size = model.imageSize * model.imageSize * model.channels
  return Array.from({ length: n }, (_, i) => ({
    pixels: batch.images.slice(i * size, (i + 1) * size),
    caption: 'a photo of a doctor',
    label: i < n / 2 ? 1 : -1,
    pairId: 1 + (i % (n / 2))
  }))
}

async function main(): Promise<void> {
  const steps = positive('steps', values.steps)
  const window = positive('window', values.window)
  const ftSteps = positive('finetune-steps', values['finetune-steps'])
  const { tf, info } = await loadTf()
  const result: Record<string, unknown> = { date: new Date().toISOString(), cores: cpus().length, loadStart: load() }
  console.log(`machine: ${cpus().length} cores, 1-min load ${load()}; tfjs: ${describeBackend(info)}`)

  // The two sides: tfjs and onnxruntime (on the CPU, so the figures compare engines), or onnxruntime
  // on the CPU and on the provider --against names.
  const against = values.against === undefined ? null : parseProviderChoice(values.against)
  if (against === 'auto' || against === 'cpu') throw new Error('--against names a GPU provider: cuda, dml or coreml')
  const sides: ['tfjs' | ExecutionProvider, ExecutionProvider] = against ? ['cpu', against] : ['tfjs', 'cpu']

  if (!values['skip-base']) {
    const config = baseTrainConfig({ steps: String(steps) })
    const data = createDataSource(BASE_DATA_OPTIONS, config.model)
    const runA = await openRun(sides[0], tf, config, data)
    const runB = await openRun(sides[1], tf, config, data)
    const [A, B] = [runA.label, runB.label]
    console.log(`base-model phase: ${steps} steps, batch ${config.batchSize}, seed ${config.seed}; ${A} vs ${B}`)
    const a: Side = { losses: [], ms: [] }
    const b: Side = { losses: [], ms: [] }
    for (let i = 0; i < steps; i++) {
      const [la, ta] = await timed(() => runA.step())
      const [lb, tb] = await timed(() => runB.step())
      a.losses.push(la)
      a.ms.push(ta)
      b.losses.push(lb)
      b.ms.push(tb)
      if ((i + 1) % 100 === 0) console.log(`  step ${i + 1}: loss ${A} ${la.toFixed(4)} ${B} ${lb.toFixed(4)} · load ${load()}`)
    }
    await runA.dispose()
    await runB.dispose()
    const windows = compareCurves(a.losses, b.losses, window)
    for (const w of windows) console.log(`  steps ${w.from}-${w.to}: mean loss ${A} ${w.a.toFixed(4)} ${B} ${w.b.toFixed(4)} (|diff| = ${w.zScore.toFixed(2)} standard errors)`)
    const worst = Math.max(...windows.map((w) => w.zScore))
    const last = windows.at(-1)!
    console.log(
      `  first loss ${A} ${a.losses[0].toFixed(6)} ${B} ${b.losses[0].toFixed(6)}; last window ${last.a.toFixed(4)} vs ${last.b.toFixed(4)} (${((100 * (last.b - last.a)) / last.a).toFixed(2)}%); worst window ${worst.toFixed(2)} standard errors: ${worst < 2 ? 'the same curve within noise' : 'NOT within noise'}`
    )
    result.base = { sides: [A, B], steps, batch: config.batchSize, window, windows, firstLoss: [a.losses[0], b.losses[0]], worstZ: worst, ...report('base-model phase', [A, B], a, b), loadEnd: load() }
  }

  if (!values['skip-finetune'] && !against) {
    const f = fullSettings(1).finetune
    const base = loadCheckpoint(join(defaultBaseModelDir(processConfig().resourcesDir), BASE_CHECKPOINT_FILE))
    const model = base.config.model
    const config = parseTrainConfig({
      model,
      schedule: base.config.schedule,
      timesteps: base.config.timesteps,
      steps: ftSteps,
      batchSize: f.batchSize,
      learningRate: f.learningRate,
      condDropout: f.condDropout,
      weighting: f.weighting,
      weightOptions: f.weighting === 'debias' ? { maxSnr: 1000 } : {},
      seed: 1,
      checkpointEvery: f.checkpointEvery
    })
    const objective = { method: 'popalign' as const, beta: f.beta, alpha: f.alpha }
    const prefs = buildPreferenceData(worldPreferenceImages(model, 40, 7), model, 'popalign')
    const unused = createDataSource(BASE_DATA_OPTIONS, model)
    const tfTrainer = new Trainer(tf, config, unused, { initialParams: base.params })
    const tfStep = new FinetuneStepper(tf, tfTrainer, prefs, objective, base.params)
    const ortTrainer = await OrtTrainer.create(config, unused, { initialParams: base.params })
    const ortStep = await OrtFinetuneStepper.create(ortTrainer, prefs, objective, base.params)
    console.log(`Table 1 recipe fine-tune (PopAlign): ${ftSteps} steps, batch ${f.batchSize}, lr ${f.learningRate}, beta ${f.beta}, alpha ${f.alpha}, ${f.weighting}, caption dropout ${f.condDropout}`)
    const a: Side = { losses: [], ms: [] }
    const b: Side = { losses: [], ms: [] }
    for (let i = 0; i < ftSteps; i++) {
      const [ma, ta] = await timed(() => tfStep.step())
      const [mb, tb] = await timed(() => ortStep.step())
      a.losses.push(ma.loss)
      a.ms.push(ta)
      b.losses.push(mb.loss)
      b.ms.push(tb)
    }
    tfStep.dispose()
    tfTrainer.dispose()
    await ortStep.dispose()
    await ortTrainer.dispose()
    const worstRel = Math.max(...a.losses.map((l, i) => Math.abs(b.losses[i] - l) / Math.max(1e-6, Math.abs(l))))
    console.log(
      `  losses: first ${a.losses[0].toFixed(6)} vs ${b.losses[0].toFixed(6)}, last ${a.losses.at(-1)!.toFixed(4)} vs ${b.losses.at(-1)!.toFixed(4)}, worst step ${(100 * worstRel).toFixed(3)}% apart`
    )
    result.finetune = { steps: ftSteps, worstRelativeLossGap: worstRel, ...report('Table 1 fine-tune', ['tfjs', 'onnxruntime'], a, b), loadEnd: load() }
  }
  console.log(`1-min load at the end: ${load()}`)
  if (values.write) {
    writeFileSync(values.write, JSON.stringify(result, null, 2) + '\n')
    console.log(`wrote ${values.write}`)
  }
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e)
  process.exit(1)
})
