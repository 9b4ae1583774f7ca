// Diffusion training on onnxruntime-node: the same run as engine/train/trainer.ts (same config, RNG
// stream, batches, Adam arithmetic, weight averaging and checkpoint contents), with the forward and
// backward pass in one ONNX graph (dit-graph.ts) instead of tfjs. A run can be resumed on either
// backend from the other's checkpoint; resuming on this one replays bit for bit.
import { Rng } from '../rng'
import { makeSchedule, type NoiseSchedule } from '../diffusion/schedule'
import { lossWeights } from '../diffusion/weights'
import { initDiTParams, type DiTParams } from '../model/dit-tf'
import { ditParameters } from '../model/dit-spec'
import { drawBatch, type PreparedBatch } from '../train/batch'
import type { TrainConfig } from '../train/config'
import type { DataSource } from '../train/data-source'
import { emaDecayAt } from '../train/ema'
import { checkedRunConfig, type TrainState } from '../train/trainer'
import { ArrayAdam } from './adam'
import { describeOrtTraining, OrtGradSession, type GradResult } from './grad-session'

export const ORT_BACKEND = 'onnxruntime'

function copyParams(p: Readonly<Record<string, Float32Array>>): DiTParams {
  return Object.fromEntries(Object.entries(p).map(([k, v]) => [k, v.slice()]))
}

export interface OrtTrainerOptions {
  /** Intra-op threads (default 2: both cores of the development machines). */
  threads?: number
}

export class OrtTrainer {
  readonly backend = ORT_BACKEND
  readonly schedule: NoiseSchedule
  readonly losses: number[]
  /** Current weights by name, in ditParameters() order; updated in place by every step. */
  readonly params: DiTParams
  private readonly adam: ArrayAdam
  private readonly average: DiTParams | null
  private readonly weightTable: Float64Array
  private session: OrtGradSession | null = null
  private rng: Rng

  private constructor(
    readonly config: TrainConfig,
    private readonly data: DataSource,
    readonly threads: number,
    from?: { state?: TrainState; initialParams?: DiTParams }
  ) {
    this.schedule = makeSchedule(config.schedule, config.timesteps)
    this.weightTable = lossWeights(config.weighting, this.schedule, config.weightOptions)
    const initRng = Rng.derive(config.seed, 'init')
    const start = from?.state?.params ?? from?.initialParams ?? initDiTParams(config.model, () => initRng.normal())
    this.params = {}
    for (const s of ditParameters(config.model)) {
      const v = start[s.name]
      if (!v || v.length !== s.shape.reduce((a, b) => a * b, 1)) throw new Error(`trainer: the starting weights lack ${s.name} or have the wrong size`)
      this.params[s.name] = v.slice()
    }
    this.adam = new ArrayAdam(this.params, { learningRate: config.learningRate, beta1: config.beta1, beta2: config.beta2, eps: config.adamEps })
    this.average = (config.emaDecay ?? 0) > 0 ? copyParams(from?.state?.ema ?? this.params) : null
    if (from?.state) {
      this.adam.loadState(from.state.adam)
      this.rng = Rng.fromState(from.state.rng)
      this.losses = [...from.state.losses]
    } else {
      this.rng = Rng.derive(config.seed, 'train')
      this.losses = []
    }
  }

  /** A fresh run, or a resumed one from a checkpoint state (written by either backend). */
  static async create(config: TrainConfig, data: DataSource, from?: { state?: TrainState; initialParams?: DiTParams }, opts: OrtTrainerOptions = {}): Promise<OrtTrainer> {
    const t = new OrtTrainer(checkedRunConfig(config, from?.state), data, opts.threads ?? 2, from)
    t.session = await OrtGradSession.create(t.config.model, t.config.batchSize, { kind: 'linear' }, t.threads)
    return t
  }

  /** What run.json and the UI show as the backend. */
  get description(): string {
    return describeOrtTraining(this.threads)
  }

  get step(): number {
    return this.adam.step
  }

  get done(): boolean {
    return this.step >= this.config.steps
  }

  nextBatch(): PreparedBatch {
    return drawBatch(this.config, this.schedule, this.weightTable, this.data, this.rng)
  }

  /** Draws from the run's own RNG stream (fine-tuning's preference batches), so a resume replays them. */
  drawWith<T>(draw: (rng: Rng) => T): T {
    return draw(this.rng)
  }

  /** One optimiser step of the base denoising loss mean_i w(t_i)·mse_i on the next batch. */
  async trainStep(): Promise<number> {
    const batch = this.nextBatch()
    const coef = batch.weights.map((w) => w / batch.batchSize)
    const result = await this.session!.run(this.params, { xp: batch.xt, tfeat: batch.tfeat, cond: batch.cond, eps: batch.eps }, { coef })
    return this.applyGradients(result)
  }

  /** Adam update from a loss-and-gradients pass (the fine-tune stepper's entry); returns the loss. */
  applyGradients(result: GradResult): number {
    const loss = result.loss
    if (!Number.isFinite(loss)) throw new Error(`trainer: loss became ${loss} at step ${this.step}; lower the learning rate or check the data`)
    this.adam.apply(result.grads)
    if (this.average) {
      const d = emaDecayAt(this.step, this.config.emaDecay ?? 0)
      for (const [name, p] of Object.entries(this.params)) {
        const e = this.average[name]
        for (let i = 0; i < p.length; i++) e[i] = e[i] * d + p[i] * (1 - d)
      }
    }
    this.losses.push(loss)
    return loss
  }

  snapshot(): TrainState {
    return {
      config: this.config,
      step: this.step,
      rng: this.rng.getState(),
      params: copyParams(this.params),
      adam: this.adam.exportState(),
      losses: [...this.losses],
      ...(this.average ? { ema: copyParams(this.average) } : {})
    }
  }

  async dispose(): Promise<void> {
    await this.session?.dispose()
    this.session = null
  }
}
