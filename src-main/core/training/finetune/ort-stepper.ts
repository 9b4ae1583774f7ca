// PopAlign / Diffusion-DPO / SFT fine-tuning steps on onnxruntime (the counterpart of
// training/finetune/step.ts for the tfjs trainer). The frozen reference is a cached pass: its per-sample errors
// come from a forward-only graph fed the base weights, then one loss-and-gradients graph evaluates the
// method's loss (dit-graph.ts heads) and the trainer takes the Adam step. The batch, its RNG draws and
// the metrics are the tfjs stepper's, so runs on the two backends are comparable step for step.
import { lossWeights } from '../../engine/diffusion/weights'
import type { DiTParams } from '../../engine/model/dit-tf'
import { drawPreferenceBatch, type PreferenceBatch } from './batch'
import type { PreferenceData } from './data'
import { evaluateObjective, type StepMetrics } from './objective'
import type { FinetuneObjective, FinetuneSpec } from './spec'
import { finetuneInputs } from './worker'
import type { LossHead } from '../../engine/onnx-train/dit-graph'
import { OrtGradSession, OrtMseSession, type GraphBatch } from '../../engine/onnx-train/grad-session'
import type { OrtTrainer } from '../../engine/onnx-train/trainer'

export function lossHeadFor(objective: FinetuneObjective): LossHead {
  if (objective.method === 'popalign') return { kind: 'popalign', beta: objective.beta, alpha: objective.alpha }
  if (objective.method === 'dpo') return { kind: 'dpo', beta: objective.beta }
  return { kind: 'linear' }
}

/**
 * Per-sample inputs of a head for one batch. PopAlign's normaliser Z = α·mean_{winners} g +
 * (1−α)·mean_{losers} g is Σ zCoef_i·g_i; a class absent from the batch contributes 0, as in
 * engine/losses/popalign. SFT is the linear head with ∂loss/∂mse_i = w_i/|winners| on winners.
 */
export function headFeeds(objective: FinetuneObjective, batch: PreferenceBatch, refMse: Float32Array | null): Record<string, Float32Array> {
  const n = batch.batchSize
  const labels = batch.labels
  const winners = labels.reduce((s, y) => s + (y === 1 ? 1 : 0), 0)
  const losers = n - winners
  if (objective.method === 'sft') return { coef: Float32Array.from({ length: n }, (_, i) => (labels[i] === 1 && winners > 0 ? batch.weights[i] / winners : 0)) }
  if (!refMse) throw new Error(`fine-tune: ${objective.method} needs the reference model's errors`)
  if (objective.method === 'dpo') return { weights: batch.weights, refMse }
  const a = objective.alpha
  const zCoef = Float32Array.from(labels, (y) => (y === 1 ? (winners > 0 ? a / winners : 0) : losers > 0 ? (1 - a) / losers : 0))
  return { weights: batch.weights, refMse, labels: Float32Array.from(labels), zCoef }
}

function graphBatch(b: PreferenceBatch): GraphBatch {
  return { xp: b.xt, tfeat: b.tfeat, cond: b.cond, eps: b.eps }
}

export class OrtFinetuneStepper {
  private readonly weightTable: Float64Array

  private constructor(
    private readonly trainer: OrtTrainer,
    private readonly data: PreferenceData,
    readonly objective: FinetuneObjective,
    private readonly reference: DiTParams | null,
    private readonly grad: OrtGradSession,
    private readonly refSession: OrtMseSession | null
  ) {
    const c = trainer.config
    this.weightTable = lossWeights(c.weighting, trainer.schedule, c.weightOptions)
  }

  /** `initialParams`: the base model's weights, the reference for the whole run (and its resumes). */
  static async create(trainer: OrtTrainer, data: PreferenceData, objective: FinetuneObjective, initialParams: DiTParams): Promise<OrtFinetuneStepper> {
    const c = trainer.config
    const grad = await OrtGradSession.create(c.model, c.batchSize, lossHeadFor(objective), trainer.sessionOptions, trainer.gradientBuffers)
    const needsRef = objective.method !== 'sft'
    const refSession = needsRef ? await OrtMseSession.create(c.model, c.batchSize, trainer.sessionOptions) : null
    return new OrtFinetuneStepper(trainer, data, objective, needsRef ? initialParams : null, grad, refSession)
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

  async step(): Promise<StepMetrics> {
    const batch = this.nextBatch()
    const refMse = this.refSession && this.reference ? (await this.refSession.run(this.reference, graphBatch(batch))).slice() : null
    const result = await this.grad.run(this.trainer.params, graphBatch(batch), headFeeds(this.objective, batch, refMse))
    // Metrics from the same per-sample errors the graph used (the graph's loss is the one logged).
    const { metrics } = evaluateObjective(this.objective, result.mse, refMse, batch.weights, batch.labels)
    const loss = this.trainer.applyGradients(result)
    return { ...metrics, loss }
  }

  async dispose(): Promise<void> {
    await this.grad.dispose()
    await this.refSession?.dispose()
  }
}

/** The onnxruntime counterpart of training/finetune/worker.ts openFinetune: the same checks, the same reference. */
export async function openOrtFinetune(trainer: OrtTrainer, spec: FinetuneSpec, initFrom: string | undefined): Promise<OrtFinetuneStepper> {
  const { objective, data, reference } = finetuneInputs(trainer.config.model, spec, initFrom)
  return OrtFinetuneStepper.create(trainer, data, objective, reference)
}
