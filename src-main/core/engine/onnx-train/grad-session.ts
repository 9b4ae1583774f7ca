// Runs the DiT training graph (dit-graph.ts) on onnxruntime-node: parameters and a batch in, loss,
// per-sample errors and one gradient per parameter out. Sessions go through the project's OrtRunner,
// so they get its thread settings and the execution provider (onnx/providers.ts) the trainer resolved;
// the optimisation level defaults to 'basic' because the higher
// levels segfault onnxruntime 1.30 on DiT graphs (docs/methods/engine-performance.md) and a crash there cannot be caught.
import type { DiTConfig } from '../model/dit-spec'
import { ditParameters } from '../model/dit-spec'
import { OrtRunner, describeOrtBackend, type FloatTensor, type OrtRunnerOptions } from '../onnx/ort-runner'
import type { ExecutionProvider } from '../onnx/providers'
import { BATCH_INPUTS, buildMseGraph, buildTrainingGraph, GRAD_PREFIX, headInputs, type LossHead } from './dit-graph'
import { patchDim, tokenCount } from '../model/dit-spec'

export interface GraphBatch {
  xp: Float32Array
  tfeat: Float32Array
  cond: Float32Array
  eps: Float32Array
}

export interface GradResult {
  loss: number
  mse: Float32Array
  grads: Record<string, Float32Array>
}

/** How the training sessions run: intra-op threads (default 2) and a resolved execution provider (default CPU). */
export interface OrtTrainingOptions {
  threads?: number
  provider?: ExecutionProvider
}

export function trainingSessionOptions(o: OrtTrainingOptions = {}): OrtRunnerOptions {
  return { threads: o.threads ?? 2, optimization: 'basic', provider: o.provider ?? 'cpu' }
}

/** "onnxruntime-node 1.30.0 (CPU, 2 threads, basic optimisation)": what run.json and the UI show. */
export function describeOrtTraining(o: OrtTrainingOptions = {}): string {
  return describeOrtBackend(trainingSessionOptions(o), o.provider ?? 'cpu')
}

function batchFeeds(config: DiTConfig, B: number, batch: GraphBatch): Record<string, FloatTensor> {
  const T = tokenCount(config)
  const P = patchDim(config)
  const dims: Record<(typeof BATCH_INPUTS)[number], number[]> = { xp: [B, T, P], tfeat: [B, config.timeFeatures], cond: [B, config.vocabSize], eps: [B, T, P] }
  const out: Record<string, FloatTensor> = {}
  for (const k of BATCH_INPUTS) out[k] = { data: batch[k], dims: dims[k] }
  return out
}

function paramFeeds(config: DiTConfig, params: Readonly<Record<string, Float32Array>>): Record<string, FloatTensor> {
  const out: Record<string, FloatTensor> = {}
  for (const s of ditParameters(config)) {
    const v = params[s.name]
    if (!v) throw new Error(`onnx training: no values for parameter ${s.name}`)
    out[s.name] = { data: v, dims: s.shape }
  }
  return out
}

export class OrtGradSession {
  /** Output buffers reused by every run (onnxruntime writes into them). */
  private readonly out: { loss: FloatTensor; mse: FloatTensor; grads: Record<string, FloatTensor> }

  private constructor(
    private readonly runner: OrtRunner,
    readonly config: DiTConfig,
    readonly batch: number,
    readonly head: LossHead,
    gradBuffers?: Readonly<Record<string, Float32Array>>
  ) {
    const grads: Record<string, FloatTensor> = {}
    for (const s of ditParameters(config)) {
      const n = s.shape.reduce((a, b) => a * b, 1)
      const given = gradBuffers?.[s.name]
      if (given && given.length !== n) throw new Error(`onnx training: the gradient buffer for ${s.name} holds ${given.length} values, not ${n}`)
      grads[s.name] = { data: given ?? new Float32Array(n), dims: s.shape }
    }
    this.out = { loss: { data: new Float32Array(1), dims: [] }, mse: { data: new Float32Array(batch), dims: [batch] }, grads }
  }

  /**
   * A session on the training graph. `gradBuffers` (by parameter name) are where it writes the gradients,
   * e.g. the optimiser's own (ArrayAdam.grads), which then need no copy; otherwise it allocates its own.
   */
  static async create(config: DiTConfig, batch: number, head: LossHead, opts: OrtTrainingOptions = {}, gradBuffers?: Readonly<Record<string, Float32Array>>): Promise<OrtGradSession> {
    const runner = await OrtRunner.fromBytes(buildTrainingGraph(config, batch, head), trainingSessionOptions(opts))
    return new OrtGradSession(runner, config, batch, head, gradBuffers)
  }

  /**
   * One loss-and-gradients pass; `extra` holds the head's per-sample inputs (see headInputs). The
   * returned `mse` and `grads` arrays belong to the session and are overwritten by its next run: copy
   * what must outlive it. `into` (by parameter name) redirects this run's gradients, e.g. to the
   * optimiser's partial block when a step runs as micro-batches.
   */
  async run(params: Readonly<Record<string, Float32Array>>, batch: GraphBatch, extra: Readonly<Record<string, Float32Array>>, into?: Readonly<Record<string, Float32Array>>): Promise<GradResult> {
    const feeds = { ...paramFeeds(this.config, params), ...batchFeeds(this.config, this.batch, batch) }
    for (const k of headInputs(this.head)) {
      const v = extra[k]
      if (!v || v.length !== this.batch) throw new Error(`onnx training: the ${this.head.kind} loss needs "${k}" with ${this.batch} values`)
      feeds[k] = { data: v, dims: [this.batch] }
    }
    const fetches: Record<string, FloatTensor> = { loss: this.out.loss, mse: this.out.mse }
    const grads: Record<string, Float32Array> = {}
    for (const [name, t] of Object.entries(this.out.grads)) {
      const target = into ? into[name] : t.data
      if (!target || target.length !== t.data.length) throw new Error(`onnx training: no gradient buffer of the right size for ${name}`)
      fetches[`${GRAD_PREFIX}${name}`] = { data: target, dims: t.dims }
      grads[name] = target
    }
    await this.runner.runInto(feeds, fetches)
    return { loss: this.out.loss.data[0], mse: this.out.mse.data, grads }
  }

  async dispose(): Promise<void> {
    await this.runner.dispose()
  }
}

/** Per-sample ε-MSE of a model given as inputs (a fine-tune's frozen reference), no gradients. */
export class OrtMseSession {
  private constructor(
    private readonly runner: OrtRunner,
    readonly config: DiTConfig,
    readonly batch: number
  ) {}

  static async create(config: DiTConfig, batch: number, opts: OrtTrainingOptions = {}): Promise<OrtMseSession> {
    return new OrtMseSession(await OrtRunner.fromBytes(buildMseGraph(config, batch), trainingSessionOptions(opts)), config, batch)
  }

  async run(params: Readonly<Record<string, Float32Array>>, batch: GraphBatch): Promise<Float32Array> {
    const out = await this.runner.run({ ...paramFeeds(this.config, params), ...batchFeeds(this.config, this.batch, batch) })
    return out.mse.data
  }

  async dispose(): Promise<void> {
    await this.runner.dispose()
  }
}
