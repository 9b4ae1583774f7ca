// One fine-tuning step: draw a preference batch from the run's RNG, run the frozen reference on the
// same noisy inputs (no gradient: its variables are not trainable and its errors enter as numbers),
// then let the trainer backpropagate the preference loss through the model and take an Adam step.
import { lossWeights } from '../../engine/diffusion/weights'
import { DiTModel, type DiTParams } from '../../engine/model/dit-tf'
import type { Tf } from '../../engine/tf/backend'
import { perSampleMse, type Trainer } from '../../engine/train/trainer'
import { drawPreferenceBatch, type PreferenceBatch } from './batch'
import type { PreferenceData } from './data'
import { preferenceHook, type ObjectiveResult, type StepMetrics } from './objective'
import type { FinetuneObjective } from './spec'

export class FinetuneStepper {
  /** The frozen initial model (null for SFT, which needs none). */
  readonly reference: DiTModel | null
  private readonly weightTable: Float64Array

  constructor(
    private readonly tf: Tf,
    private readonly trainer: Trainer,
    private readonly data: PreferenceData,
    readonly objective: FinetuneObjective,
    /** The base model's weights: the reference stays at them however long the run (or its resumes). */
    initialParams: DiTParams
  ) {
    const c = trainer.config
    this.weightTable = lossWeights(c.weighting, trainer.schedule, c.weightOptions)
    this.reference = objective.method === 'sft' ? null : new DiTModel(tf, c.model, initialParams, false)
  }

  nextBatch(): PreferenceBatch {
    const c = this.trainer.config
    return this.trainer.drawWith((rng) =>
      drawPreferenceBatch(
        this.data,
        { method: this.objective.method, batchSize: c.batchSize, condDropout: c.condDropout, model: c.model, schedule: this.trainer.schedule, weightTable: this.weightTable },
        rng
      )
    )
  }

  /** The reference's per-sample MSE on a batch, as plain numbers. */
  referenceMse(batch: PreferenceBatch): Float32Array | null {
    const ref = this.reference
    if (!ref) return null
    return this.tf.tidy(() => perSampleMse(this.tf, ref, batch).dataSync() as Float32Array).slice()
  }

  step(): StepMetrics {
    const batch = this.nextBatch()
    const refMse = this.referenceMse(batch)
    let result: ObjectiveResult | null = null
    this.trainer.stepOnBatch(
      batch,
      preferenceHook(this.objective, refMse, batch.labels, (r) => (result = r))
    )
    return (result as ObjectiveResult | null)!.metrics
  }

  dispose(): void {
    this.reference?.dispose()
  }
}
