// Diffusion training on onnxruntime-node: the same run as engine/train/trainer.ts (same config, RNG
// stream, batches, Adam arithmetic, weight averaging and checkpoint contents), with the forward and
// backward pass in one ONNX graph (dit-graph.ts) instead of tfjs. A run can be resumed on either
// backend from the other's checkpoint; resuming on this one replays bit for bit.
import type { DiTParams } from '../model/dit-tf'
import { ditParameters } from '../model/dit-spec'
import type { TrainConfig } from '../train/config'
import type { DataSource } from '../train/data-source'
import { emaDecayAt } from '../train/ema'
import { RunBase, type TrainFrom } from '../train/run-base'
import type { TrainState } from '../train/run-config'
import { ArrayAdam } from './adam'
import { resolveProvider, type ExecutionProvider, type ProviderChoice } from '../onnx/providers'
import { describeOrtTraining, OrtGradSession, type GradResult, type OrtTrainingOptions } from './grad-session'

export const ORT_BACKEND = 'onnxruntime'

function copyParams(p: Readonly<Record<string, Float32Array>>): DiTParams {
  return Object.fromEntries(Object.entries(p).map(([k, v]) => [k, v.slice()]))
}

export interface OrtTrainerOptions {
  /** Intra-op threads (default 2: both cores of the development machines). */
  threads?: number
  /** The execution provider (onnx/providers.ts); 'auto' (default) takes a GPU one where installed. */
  provider?: ProviderChoice
}

export class OrtTrainer extends RunBase {
  readonly backend = ORT_BACKEND
  /** Current weights by name, in ditParameters() order; updated in place by every step. */
  readonly params: DiTParams
  private readonly adam: ArrayAdam
  private session: OrtGradSession | null = null

  private constructor(
    config: TrainConfig,
    data: DataSource,
    readonly threads: number,
    /** The execution provider every session of this run uses (its fine-tune sessions too). */
    readonly provider: ExecutionProvider,
    from?: TrainFrom
  ) {
    super(config, data, from)
    const start = this.startingParams(from)
    const initial: DiTParams = {}
    for (const s of ditParameters(this.config.model)) {
      const v = start[s.name]
      if (!v || v.length !== s.shape.reduce((a, b) => a * b, 1)) throw new Error(`trainer: the starting weights lack ${s.name} or have the wrong size`)
      initial[s.name] = v
    }
    const c = this.config
    this.adam = new ArrayAdam(initial, { learningRate: c.learningRate, beta1: c.beta1, beta2: c.beta2, eps: c.adamEps }, (c.emaDecay ?? 0) > 0)
    this.params = this.adam.params
    if (from?.state?.ema) this.adam.loadAverage(from.state.ema)
    if (from?.state) this.adam.loadState(from.state.adam)
  }

  /** A fresh run, or a resumed one from a checkpoint state (written by either backend). */
  static async create(config: TrainConfig, data: DataSource, from?: TrainFrom, opts: OrtTrainerOptions = {}): Promise<OrtTrainer> {
    const { provider } = await resolveProvider(opts.provider ?? 'auto')
    const t = new OrtTrainer(config, data, opts.threads ?? 2, provider, from)
    t.session = await OrtGradSession.create(t.config.model, t.config.batchSize, { kind: 'linear' }, t.sessionOptions, t.gradientBuffers)
    return t
  }

  /** Threads and provider for every session of this run. */
  get sessionOptions(): OrtTrainingOptions {
    return { threads: this.threads, provider: this.provider }
  }

  /** Where a gradient pass should write, so Adam reads the gradients without a copy. */
  get gradientBuffers(): Readonly<Record<string, Float32Array>> {
    return this.adam.grads
  }

  /** What run.json and the UI show as the backend. */
  get description(): string {
    return describeOrtTraining(this.sessionOptions)
  }

  get step(): number {
    return this.adam.step
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
    if (this.adam.average) this.adam.updateAverage(emaDecayAt(this.step, this.config.emaDecay ?? 0))
    this.losses.push(loss)
    return loss
  }

  snapshot(): TrainState {
    return this.stateWith(copyParams(this.params), this.adam.exportState(), this.adam.average ? copyParams(this.adam.average) : null)
  }

  async dispose(): Promise<void> {
    await this.session?.dispose()
    this.session = null
  }
}
