// The preference losses (engine/losses) applied to one batch's per-sample errors, and turned into
// the trainer's LossHook. Timestep weights multiply both the model's and the reference's MSE before
// the loss (the ω(λ_t) of docs/methods/diffusion-dpo.md §Objective; constant by default, debias 1/sqrt(SNR) as an option), so
// the gradient with respect to a raw MSE is w_i times the loss's gradient.
import type * as TF from '@tensorflow/tfjs'
import { dpoLossStacked, popalignLoss, sftLoss } from '../../engine/losses'
import type { LossHook } from '../../engine/train/trainer'
import type { FinetuneObjective } from './spec'

export interface StepMetrics {
  loss: number
  /** Fraction of logistic arguments > 0 (null for SFT, which has none). */
  implicitAccuracy: number | null
  /** Mean implicit reward of winners minus losers (null for SFT). */
  rewardMargin: number | null
  /** PopAlign's normaliser Z, held constant in backprop (null otherwise). */
  Z: number | null
}

export interface ObjectiveResult {
  metrics: StepMetrics
  /** ∂loss/∂(raw model MSE_i), weights included. */
  grad: Float64Array
}

export function evaluateObjective(objective: FinetuneObjective, modelMse: ArrayLike<number>, refMse: ArrayLike<number> | null, weights: ArrayLike<number>, labels: ArrayLike<number>): ObjectiveResult {
  const n = modelMse.length
  const m = Float64Array.from({ length: n }, (_, i) => weights[i] * modelMse[i])
  const r = refMse ? Float64Array.from({ length: n }, (_, i) => weights[i] * refMse[i]) : null
  let loss: number
  let grad: Float64Array
  let metrics: Omit<StepMetrics, 'loss'>
  if (objective.method === 'sft') {
    // Mean ε-MSE over the winners (every sample of an SFT batch is one); no reference, no β.
    const res = sftLoss(m, labels, 'winners')
    ;({ loss, grad } = res)
    metrics = { implicitAccuracy: null, rewardMargin: null, Z: null }
  } else {
    if (!r) throw new Error(`fine-tune: ${objective.method} needs the reference model's errors`)
    if (objective.method === 'dpo') {
      const res = dpoLossStacked(m, r, objective.beta)
      ;({ loss, grad } = res)
      metrics = { ...res.metrics, Z: null }
    } else {
      const res = popalignLoss({ modelMse: m, refMse: r, labels, beta: objective.beta, alpha: objective.alpha })
      ;({ loss, grad } = res)
      metrics = { implicitAccuracy: res.metrics.implicitAccuracy, rewardMargin: res.metrics.rewardMargin, Z: res.metrics.Z }
    }
  }
  const rawGrad = grad.map((g, i) => g * weights[i])
  return { metrics: { loss, ...metrics }, grad: rawGrad }
}

/**
 * The LossHook for the trainer: reads the model's MSEs, evaluates the loss, and returns
 * Σ_i g_i·mse_i plus a constant, so that backprop gives exactly ∂loss/∂θ (g and the reference are
 * constants, Z included) while the value the trainer logs is the loss itself.
 */
export function preferenceHook(objective: FinetuneObjective, refMse: Float32Array | null, labels: ArrayLike<number>, onResult: (r: ObjectiveResult) => void): LossHook {
  return (mse, batch, tf) => {
    const m = mse.dataSync()
    const result = evaluateObjective(objective, m, refMse, batch.weights, labels)
    onResult(result)
    let dot = 0
    for (let i = 0; i < m.length; i++) dot += result.grad[i] * m[i]
    const g = tf.tensor1d(Float32Array.from(result.grad))
    return tf.add<TF.Scalar>(tf.sum(tf.mul(mse, g)), tf.scalar(result.metrics.loss - dot))
  }
}
