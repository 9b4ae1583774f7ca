// Epsilon-prediction diffusion training of the tfjs DiT: one object holding the model, Adam, the
// RNG stream and the loss log, able to snapshot all of it for a checkpoint and to resume from one
// bit for bit.
import type * as TF from '@tensorflow/tfjs'
import { patchDim, tokenCount } from '../model/dit-spec'
import { DiTModel } from '../model/dit-tf'
import type { Tf } from '../tf/backend'
import { Adam } from './adam'
import { WeightAverage } from './ema'
import type { PreparedBatch } from './batch'
import { RunBase, type TrainFrom } from './run-base'
import type { TrainConfig } from './config'
import type { DataSource } from './data-source'
import type { TrainState } from './run-config'
// The run's identity on resume lives in run-config (shared with the onnxruntime trainer); re-exported
// here, where the rest of the engine has always imported it.
export { checkedRunConfig, type TrainState } from './run-config'

/**
 * Turns per-sample ε-MSEs [B] into the scalar to minimise. The default is mean_i w(t_i)·mse_i;
 * DPO/PopAlign fine-tuning passes sum_i g_i·mse_i with g computed from these MSEs and a frozen
 * reference model's (see perSampleMse).
 */
export type LossHook = (mse: TF.Tensor1D, batch: PreparedBatch, tf: Tf) => TF.Scalar

export const weightedMeanLoss: LossHook = (mse, batch, tf) => tf.mean(tf.mul(mse, tf.tensor1d(batch.weights)))

/** Per-sample mean squared error of the model's ε̂ against the batch's ε. Call inside tidy/grad. */
export function perSampleMse(tf: Tf, model: DiTModel, batch: PreparedBatch): TF.Tensor1D {
  const c = model.config
  const B = batch.batchSize
  const T = tokenCount(c)
  const P = patchDim(c)
  const pred = model.forward(tf.tensor(batch.xt, [B, T, P]), tf.tensor(batch.tfeat, [B, c.timeFeatures]), tf.tensor(batch.cond, [B, c.vocabSize]))
  const diff = tf.sub(tf.reshape(pred, [B, T * P]), tf.tensor(batch.eps, [B, T * P]))
  return tf.mean<TF.Tensor1D>(tf.square(diff), 1)
}

/** Gradients of `hook` over the model's parameters on one batch, one Adam update; returns the loss value. */
export function adamStepOnBatch(tf: Tf, model: DiTModel, adam: Adam, batch: PreparedBatch, hook: LossHook = weightedMeanLoss): number {
  const vars = [...model.params.values()]
  const { value, grads } = tf.variableGrads(() => hook(perSampleMse(tf, model, batch), batch, tf), vars)
  const byName = new Map<string, TF.Tensor>()
  let i = 0
  for (const name of model.params.keys()) byName.set(name, grads[vars[i++].name])
  adam.apply(byName)
  const loss = value.dataSync()[0]
  value.dispose()
  tf.dispose(Object.values(grads))
  return loss
}

export class Trainer extends RunBase {
  readonly model: DiTModel
  private readonly adam: Adam
  private readonly average: WeightAverage | null

  /** A fresh run (weights from the seed, or `initial` e.g. a base model to fine-tune) or a resumed one. */
  constructor(
    private readonly tf: Tf,
    config: TrainConfig,
    data: DataSource,
    from?: TrainFrom
  ) {
    super(config, data, from)
    this.model = new DiTModel(tf, this.config.model, this.startingParams(from))
    this.adam = new Adam(tf, this.model.params, {
      learningRate: this.config.learningRate,
      beta1: this.config.beta1,
      beta2: this.config.beta2,
      eps: this.config.adamEps
    })
    const decay = this.config.emaDecay ?? 0
    this.average = decay > 0 ? new WeightAverage(tf, this.model.params, from?.state?.ema) : null
    if (from?.state) this.adam.loadState(from.state.adam)
  }

  get step(): number {
    return this.adam.step
  }

  /** One optimiser step on the next batch; returns its loss. */
  trainStep(): number {
    return this.stepOnBatch(this.nextBatch())
  }

  /** One optimiser step on a given batch with an optional custom loss; returns the loss value. */
  stepOnBatch(batch: PreparedBatch, hook: LossHook = weightedMeanLoss): number {
    const loss = adamStepOnBatch(this.tf, this.model, this.adam, batch, hook)
    if (!Number.isFinite(loss)) throw new Error(`trainer: loss became ${loss} at step ${this.step}; lower the learning rate or check the data`)
    this.average?.update(this.model.params, this.step, this.config.emaDecay ?? 0)
    this.losses.push(loss)
    return loss
  }

  snapshot(): TrainState {
    return this.stateWith(this.model.exportParams(), this.adam.exportState(), this.average ? this.average.export() : null)
  }

  dispose(): void {
    this.average?.dispose()
    this.adam.dispose()
    this.model.dispose()
  }
}
