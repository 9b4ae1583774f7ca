// Does a fine-tuning preset keep the model's images intact? The scenario a new user meets first:
// classifier-judged set pairs of the base model's own samples for three neutral prompts, a fine-tune
// with the preset's settings from the base model, then the quick quality check of the result against
// the base (features/models/quality-check.ts). A preset that fails the check does not ship. `seed` picks
// the pairs and the run's seed: tune on development seeds, report on others.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { QualityPoint } from '@shared/contract'
import { verdictDiscrepancy } from '../../core/features/reports/figures/metrics'
import { saveCheckpoint, loadCheckpoint } from '../../core/engine/checkpoint/store'
import { Rng } from '../../core/random/rng'
import { loadTf } from '../../core/engine/tf/backend'
import { parseTrainConfig } from '../../core/engine/train/config'
import { Trainer } from '../../core/engine/train/trainer'
import { openSampler } from '../../core/sampling/host'
import { runSettingsFields } from '../../core/features/models/model-presets'
import { checkCheckpoint, type QualityTools } from '../../core/features/models/quality-check'
import { buildPreferenceData } from '../../core/training/finetune/data'
import type { FinetuneSettings } from '../../core/features/fine-tuning/presets'
import { FinetuneStepper } from '../../core/training/finetune/step'
import { parseObjective, type FinetuneMethod, type PreferenceImage } from '../../core/training/finetune/spec'

export const PRESET_CHECK = {
  prompts: ['a photo of a doctor', 'a photo of a nurse', 'a photo of a chef'],
  /** Base-model samples per prompt the sets are drawn from. */
  pool: 48,
  /** Set pairs per prompt and images per set. */
  pairs: 8,
  setSize: 6
}

export interface PresetCheckResult {
  baseline: QualityPoint
  final: QualityPoint
  passed: boolean
  seconds: number
}

/** Classifier-judged set pairs of the base model's own samples: per pair, the set closer to uniform wins. */
async function judgedPairs(basePath: string, tools: QualityTools, seed: number): Promise<PreferenceImage[]> {
  const c = PRESET_CHECK
  const prompts = c.prompts.flatMap((p) => Array.from({ length: c.pool }, () => p))
  const seeds = c.prompts.flatMap((_, k) => Array.from({ length: c.pool }, (_, i) => 100_000 * (seed + 1) + k * c.pool + i))
  const sampler = await openSampler({ kind: 'checkpoint', path: basePath })
  let images: Float32Array
  try {
    images = await sampler.sample({ prompts, seeds, sampler: 'ddim', steps: 20, guidance: 3 })
  } finally {
    await sampler.dispose()
  }
  const per = sampler.info.imageSize ** 2 * sampler.info.channels
  const verdicts = await tools.classifier.classifyPixels!(images, prompts.length)
  const axes = tools.classifier.axes
  const unfairness = (ids: readonly number[]): number =>
    axes.reduce((sum, axis) => {
      const d = verdictDiscrepancy(
        ids.map((i) => verdicts[i]),
        axis
      )
      return sum + (Number.isFinite(d) ? d : 1)
    }, 0)
  const rng = Rng.derive(seed, 'preset-check-pairs')
  const out: PreferenceImage[] = []
  let pairId = 0
  c.prompts.forEach((prompt, k) => {
    const pool = Array.from({ length: c.pool }, (_, i) => k * c.pool + i)
    for (let p = 0; p < c.pairs; p++) {
      const order = rng.shuffle([...pool])
      const a = order.slice(0, c.setSize)
      const b = order.slice(c.setSize, 2 * c.setSize)
      const [win, lose] = unfairness(a) <= unfairness(b) ? [a, b] : [b, a]
      pairId++
      for (const [ids, label] of [
        [win, 1],
        [lose, -1]
      ] as const) {
        for (const i of ids) out.push({ pixels: images.slice(i * per, (i + 1) * per), caption: prompt, label, pairId })
      }
    }
  })
  return out
}

/** Fine-tunes the base with `settings` on judged pairs and checks the result's images against the base's. */
export async function checkPreset(
  basePath: string,
  tools: QualityTools,
  method: FinetuneMethod,
  settings: FinetuneSettings,
  seed: number,
  onStep?: (step: number, total: number) => void
): Promise<PresetCheckResult> {
  const started = performance.now()
  const dir = mkdtempSync(join(tmpdir(), 'popalign-preset-check-'))
  try {
    const images = await judgedPairs(basePath, tools, seed)
    const base = loadCheckpoint(basePath)
    const config = parseTrainConfig({
      model: base.config.model,
      schedule: base.config.schedule,
      timesteps: base.config.timesteps,
      ...runSettingsFields({ ...settings, seed }),
      weightOptions: settings.weighting === 'debias' ? { maxSnr: 1000 } : {}
    })
    const { tf } = await loadTf()
    const noData = {
      sampleBatch: (): never => {
        throw new Error('a fine-tune draws preference batches, not plain ones')
      }
    }
    const trainer = new Trainer(tf, config, noData, { initialParams: base.params })
    const objective = parseObjective({ method, beta: settings.beta, alpha: settings.alpha })
    const stepper = new FinetuneStepper(tf, trainer, buildPreferenceData(images, config.model, method), objective, base.params)
    let finalPath: string
    try {
      while (!trainer.done) {
        stepper.step()
        onStep?.(trainer.step, config.steps)
      }
      finalPath = saveCheckpoint(dir, trainer.snapshot())
    } finally {
      stepper.dispose()
      trainer.dispose()
    }
    const baseline = await checkCheckpoint(tools, basePath, null, 0)
    const final = await checkCheckpoint(tools, finalPath, baseline)
    return { baseline, final, passed: final.quality !== null && !final.quality.failed, seconds: (performance.now() - started) / 1000 }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
