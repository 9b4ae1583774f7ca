// Diffusion training on onnxruntime-node: the same run as engine/train/trainer.ts (same config, RNG
// stream, batches, Adam arithmetic, weight averaging and checkpoint contents), with the forward and
// backward pass in one ONNX graph (dit-graph.ts) instead of tfjs. A run can be resumed on either
// backend from the other's checkpoint; resuming on this one replays bit for bit.
import type { DiTParams } from '../model/dit-tf'
import { ditParameters, patchDim, tokenCount } from '../model/dit-spec'
import type { TrainConfig } from '../train/config'
import type { DataSource } from '../train/data-source'
import { emaDecayAt } from '../train/ema'
import { RunBase, type TrainFrom } from '../train/run-base'
import type { TrainState } from '../train/run-config'
import { ArrayAdam } from './adam'
import { resolveProvider, type ExecutionProvider, type ProviderChoice } from '../onnx/providers'
import { describeOrtTraining, OrtGradSession, type GradResult, type OrtTrainingOptions } from './grad-session'

export const ORT_BACKEND = 'onnxruntime'

/**
 * Tokens (samples x patches) per graph run above which a CPU training step runs as micro-batches whose
 * gradients are summed before the one Adam update. A run over more activations than the caches hold
 * makes onnxruntime's matrix products re-read their outputs from memory once per block of the inner
 * dimension; smaller runs stay in cache. Measured on the development machines (2 cores; whole graph,
 * interleaved, docs/engine-speed.md): large config B=256 one run 661 ms, 8 x 32 525 ms; base B=256
 * 65.7 ms, 2 x 128 60.6 ms; large B=64 144.7 ms, 2 x 32 136.1 ms; base B=64 (1,024 tokens) 16.1 ms
 * whole, 19.8 ms as 2 x 32. GPU providers run the step whole.
 */
export const CPU_TOKENS_PER_RUN = 2048

/**
 * How a step of `batch` samples of `tokens` tokens each is split: the fewest runs that keep each within
 * `maxTokens`, their sizes as equal as possible (larger first), so at most two graph sizes.
 */
export function microBatchSizes(batch: number, tokens: number, maxTokens: number): number[] {
  const runs = Math.min(batch, Math.max(1, Math.ceil((batch * tokens) / maxTokens)))
  const small = Math.floor(batch / runs)
  const extra = batch % runs
  return Array.from({ length: runs }, (_, i) => small + (i < extra ? 1 : 0))
}

function copyParams(p: Readonly<Record<string, Float32Array>>): DiTParams {
  return Object.fromEntries(Object.entries(p).map(([k, v]) => [k, v.slice()]))
}

export interface OrtTrainerOptions {
  /** Intra-op threads (default 2: both cores of the development machines). */
  threads?: number
  /** The execution provider (onnx/providers.ts); 'auto' (default) takes a GPU one where installed. */
  provider?: ProviderChoice
  /** Tokens per graph run before a step is split (default CPU_TOKENS_PER_RUN on the CPU, unsplit on a GPU). */
  tokensPerRun?: number
}

export class OrtTrainer extends RunBase {
  readonly backend = ORT_BACKEND
  /** Current weights by name, in ditParameters() order; updated in place by every step. */
  readonly params: DiTParams
  private readonly adam: ArrayAdam
  /** Samples per graph run within one step (microBatchSizes); one entry when the step runs whole. */
  readonly microBatches: readonly number[]
  /** One gradient session per micro-batch size. */
  private sessions = new Map<number, OrtGradSession>()

  private constructor(
    config: TrainConfig,
    data: DataSource,
    readonly threads: number,
    /** The execution provider every session of this run uses (its fine-tune sessions too). */
    readonly provider: ExecutionProvider,
    tokensPerRun: number,
    from?: TrainFrom
  ) {
    super(config, data, from)
    this.microBatches = microBatchSizes(this.config.batchSize, tokenCount(this.config.model), tokensPerRun)
    const start = this.startingParams(from)
    const initial: DiTParams = {}
    for (const s of ditParameters(this.config.model)) {
      const v = start[s.name]
      if (!v || v.length !== s.shape.reduce((a, b) => a * b, 1)) throw new Error(`trainer: the starting weights lack ${s.name} or have the wrong size`)
      initial[s.name] = v
    }
    const c = this.config
    this.adam = new ArrayAdam(
      initial,
      { learningRate: c.learningRate, beta1: c.beta1, beta2: c.beta2, eps: c.adamEps },
      { average: (c.emaDecay ?? 0) > 0, partialGradients: this.microBatches.length > 1 }
    )
    this.params = this.adam.params
    if (from?.state?.ema) this.adam.loadAverage(from.state.ema)
    if (from?.state) this.adam.loadState(from.state.adam)
  }

  /** A fresh run, or a resumed one from a checkpoint state (written by either backend). */
  static async create(config: TrainConfig, data: DataSource, from?: TrainFrom, opts: OrtTrainerOptions = {}): Promise<OrtTrainer> {
    const { provider } = await resolveProvider(opts.provider ?? 'auto')
    const tokensPerRun = opts.tokensPerRun ?? (provider === 'cpu' ? CPU_TOKENS_PER_RUN : Number.POSITIVE_INFINITY)
    if (!(tokensPerRun > 0)) throw new Error(`trainer: tokensPerRun must be positive, got ${tokensPerRun}`)
    const t = new OrtTrainer(config, data, opts.threads ?? 2, provider, tokensPerRun, from)
    for (const size of new Set(t.microBatches)) t.sessions.set(size, await OrtGradSession.create(t.config.model, size, { kind: 'linear' }, t.sessionOptions, t.gradientBuffers))
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

  /** "each step in 8 runs of 32 samples" when trainStep splits its batch (microBatches), else null. */
  get stepSplit(): string | null {
    const runs = this.microBatches
    if (runs.length === 1) return null
    const smallest = runs[runs.length - 1]
    return `each step in ${runs.length} runs of ${smallest === runs[0] ? smallest : `${smallest}-${runs[0]}`} samples`
  }

  /** The backend in words, with the split of a base-training step when there is one. */
  get description(): string {
    const split = this.stepSplit
    return describeOrtTraining(this.sessionOptions) + (split ? `; ${split}` : '')
  }

  get step(): number {
    return this.adam.step
  }

  /** One optimiser step of the base denoising loss mean_i w(t_i)·mse_i on the next batch. */
  async trainStep(): Promise<number> {
    const batch = this.nextBatch()
    const coef = batch.weights.map((w) => w / batch.batchSize)
    const m = this.config.model
    const perSample = { xp: tokenCount(m) * patchDim(m), tfeat: m.timeFeatures, cond: m.vocabSize }
    let loss = 0
    let start = 0
    for (const [i, size] of this.microBatches.entries()) {
      const rows = (a: Float32Array, width: number): Float32Array => a.subarray(start * width, (start + size) * width)
      const part = { xp: rows(batch.xt, perSample.xp), tfeat: rows(batch.tfeat, perSample.tfeat), cond: rows(batch.cond, perSample.cond), eps: rows(batch.eps, perSample.xp) }
      // The first run writes the step's gradient buffers; each later one writes the partial block, added in.
      const result = await this.sessions.get(size)!.run(this.params, part, { coef: rows(coef, 1) }, i === 0 ? undefined : this.adam.partialGrads!)
      if (i > 0) this.adam.addPartialGradients()
      loss += result.loss
      start += size
    }
    return this.applyGradients({ loss, grads: this.adam.grads })
  }

  /** Adam update from a loss-and-gradients pass (the fine-tune stepper's entry); returns the loss. */
  applyGradients(result: Pick<GradResult, 'loss' | 'grads'>): number {
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
    for (const session of this.sessions.values()) await session.dispose()
    this.sessions.clear()
  }
}
