// Epsilon-prediction diffusion training of the tfjs DiT: one object holding the model, Adam, the
// RNG stream and the loss log, able to snapshot all of it for a checkpoint and to resume from one
// bit for bit.
import type * as TF from '@tensorflow/tfjs'
import { Rng, type RngState } from '../rng'
import { makeSchedule, type NoiseSchedule } from '../diffusion/schedule'
import { lossWeights } from '../diffusion/weights'
import { patchDim, tokenCount } from '../model/dit-spec'
import { DiTModel, initDiTParams, type DiTParams } from '../model/dit-tf'
import type { Tf } from '../tf/backend'
import { Adam, type AdamState } from './adam'
import { WeightAverage } from './ema'
import { drawBatch, type PreparedBatch } from './batch'
import { parseTrainConfig, type TrainConfig } from './config'
import type { DataSource } from './data-source'

/** Everything a checkpoint must hold to continue a run exactly. */
export interface TrainState {
  config: TrainConfig
  step: number
  rng: RngState
  params: DiTParams
  adam: AdamState
  /** Loss of every step so far (the UI's curve survives a resume). */
  losses: number[]
  /** The EMA of the weights, when the config asks for one (emaDecay > 0). */
  ema?: DiTParams
}

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
  return tf.mean(tf.square(diff), 1) as TF.Tensor1D
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

/**
 * The run's config (the checkpoint's on a resume), after checking that a checkpoint belongs to this
 * run and is consistent. Shared by every training backend (tfjs here, onnxruntime in onnx-train).
 */
export function checkedRunConfig(config: TrainConfig, state?: TrainState): TrainConfig {
  const resolved = parseTrainConfig(state?.config ?? config)
  if (!state) return resolved
  if (JSON.stringify(parseTrainConfig(config)) !== JSON.stringify(resolved)) {
    throw new Error('trainer: the checkpoint was written by a run with a different config; start a new run instead of resuming')
  }
  if (state.adam.step !== state.step) throw new Error(`trainer: checkpoint step ${state.step} and optimiser step ${state.adam.step} disagree`)
  if (state.losses.length !== state.step) throw new Error(`trainer: checkpoint has ${state.losses.length} losses for ${state.step} steps`)
  return resolved
}

export class Trainer {
  readonly config: TrainConfig
  readonly model: DiTModel
  readonly schedule: NoiseSchedule
  readonly losses: number[]
  private readonly adam: Adam
  private readonly average: WeightAverage | null
  private readonly weightTable: Float64Array
  private rng: Rng

  /** A fresh run (weights from the seed, or `initial` e.g. a base model to fine-tune) or a resumed one. */
  constructor(
    private readonly tf: Tf,
    config: TrainConfig,
    private readonly data: DataSource,
    from?: { state?: TrainState; initialParams?: DiTParams }
  ) {
    this.config = checkedRunConfig(config, from?.state)
    this.schedule = makeSchedule(this.config.schedule, this.config.timesteps)
    this.weightTable = lossWeights(this.config.weighting, this.schedule, this.config.weightOptions)
    const initRng = Rng.derive(this.config.seed, 'init')
    const params = from?.state?.params ?? from?.initialParams ?? initDiTParams(this.config.model, () => initRng.normal())
    this.model = new DiTModel(tf, this.config.model, params)
    this.adam = new Adam(tf, this.model.params, {
      learningRate: this.config.learningRate,
      beta1: this.config.beta1,
      beta2: this.config.beta2,
      eps: this.config.adamEps
    })
    const decay = this.config.emaDecay ?? 0
    this.average = decay > 0 ? new WeightAverage(tf, this.model.params, from?.state?.ema) : null
    if (from?.state) {
      const s = from.state
      this.adam.loadState(s.adam)
      this.rng = Rng.fromState(s.rng)
      this.losses = [...s.losses]
    } else {
      this.rng = Rng.derive(this.config.seed, 'train')
      this.losses = []
    }
  }

  get step(): number {
    return this.adam.step
  }

  get done(): boolean {
    return this.step >= this.config.steps
  }

  /** The next batch from the run's own RNG stream. */
  nextBatch(): PreparedBatch {
    return drawBatch(this.config, this.schedule, this.weightTable, this.data, this.rng)
  }

  /**
   * Draws from the run's own RNG stream with a caller's batch builder (fine-tuning builds paired
   * preference batches), so the draws are checkpointed with the run and replay after a resume.
   */
  drawWith<T>(draw: (rng: Rng) => T): T {
    return draw(this.rng)
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
    return {
      config: this.config,
      step: this.step,
      rng: this.rng.getState(),
      params: this.model.exportParams(),
      adam: this.adam.exportState(),
      losses: [...this.losses],
      ...(this.average ? { ema: this.average.export() } : {})
    }
  }

  dispose(): void {
    this.average?.dispose()
    this.adam.dispose()
    this.model.dispose()
  }
}
