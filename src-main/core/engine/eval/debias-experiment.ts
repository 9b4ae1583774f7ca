// The Debias experiment (ALGORITHMS.md §4): the same DiT trained twice on the built-in world, once with
// the constant epsilon-loss weight and once with 1/sqrt(SNR), same seed (same init, same batches, same
// timesteps and noise: the run's RNG stream does not depend on the weighting), same steps; sample
// quality is measured at intervals on the same evaluation noise.
import { Trainer } from '../train/trainer'
import { parseTrainConfig, type TrainConfig } from '../train/config'
import type { LossWeighting } from '../diffusion/weights'
import type { Tf } from '../tf/backend'
import type { DataSource } from '../train/data-source'
import { evaluateQuality, type QualityMetrics } from './evaluate-model'
import type { SamplingSettings } from './sample-prompts'

export interface CurvePoint extends QualityMetrics {
  step: number
  /** Mean training loss over the steps since the previous point (weighted, so not comparable across arms). */
  meanLoss: number | null
  /** Mean unweighted-equivalent is not available from the trainer; seconds of training so far. */
  trainSeconds: number
}

export interface ExperimentArm {
  weighting: LossWeighting
  points: CurvePoint[]
}

export interface DebiasExperimentOptions {
  tf: Tf
  /** The shared recipe; `weighting` is overridden per arm. */
  config: TrainConfig
  data: () => DataSource
  evalEvery: number
  perPrompt: number
  sampling: SamplingSettings
  weightings?: LossWeighting[]
  onLog?: (line: string) => void
}

export async function runDebiasExperiment(o: DebiasExperimentOptions): Promise<ExperimentArm[]> {
  if (!Number.isInteger(o.evalEvery) || o.evalEvery <= 0) throw new Error(`debias experiment: eval interval must be a positive integer, got ${o.evalEvery}`)
  const log = o.onLog ?? (() => {})
  const arms: ExperimentArm[] = []
  for (const weighting of o.weightings ?? (['constant', 'debias'] as LossWeighting[])) {
    const config = parseTrainConfig({ ...o.config, weighting })
    const trainer = new Trainer(o.tf, config, o.data())
    const points: CurvePoint[] = []
    let trainMs = 0
    try {
      const evaluate = async (since: number): Promise<void> => {
        const q = await evaluateQuality({ config, params: trainer.model.exportParams() }, o.perPrompt, o.sampling)
        const recent = trainer.losses.slice(since)
        const point: CurvePoint = { step: trainer.step, meanLoss: recent.length ? recent.reduce((a, b) => a + b, 0) / recent.length : null, trainSeconds: trainMs / 1000, ...q }
        points.push(point)
        log(`${weighting} step ${point.step}: concept ${(q.conceptAccuracy * 100).toFixed(1)}%, frechet ${q.frechet.toFixed(1)} (floor ${q.frechetFloor.toFixed(1)}), colour shift ${q.colourShift.toFixed(3)}, loss ${point.meanLoss?.toFixed(4) ?? '-'}`)
      }
      let lastEval = 0
      while (!trainer.done) {
        const t0 = performance.now()
        trainer.trainStep()
        trainMs += performance.now() - t0
        if (trainer.step % o.evalEvery === 0 || trainer.done) {
          await evaluate(lastEval)
          lastEval = trainer.step
        }
      }
    } finally {
      trainer.dispose()
    }
    arms.push({ weighting, points })
  }
  return arms
}
