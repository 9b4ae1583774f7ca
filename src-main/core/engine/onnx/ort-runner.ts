// A thin, typed wrapper over an onnxruntime-node InferenceSession, shared by the sampler (OrtDenoiser),
// the training graphs and the classifiers. It owns the session options this project relies on (see
// docs/methods/engine-performance.md §onnxruntime-node): 2 intra-op threads, sequential execution, the
// SkipLayerNormFusion optimiser disabled because it segfaults onnxruntime 1.30 at session creation on
// DiT-like graphs, and the execution provider from providers.ts (a GPU one where the install has it).

import { readFile } from 'node:fs/promises'
import * as ort from 'onnxruntime-node'
import { executionProvidersFor, providerLabel, ProviderUnavailableError, resolveProvider, type ExecutionProvider, type ProviderChoice } from './providers'

/** A dense float32 tensor in row-major order. */
export interface FloatTensor {
  data: Float32Array
  dims: readonly number[]
}

export interface OrtRunnerOptions {
  /** Intra-op threads; the development machines have 2 cores. */
  threads?: number
  /**
   * 'safe' (default) is full optimisation minus SkipLayerNormFusion; 'basic' is ORT's basic level, the
   * documented fallback (5-10% slower).
   */
  optimization?: 'safe' | 'basic'
  /** The execution provider (providers.ts): 'auto' (default) takes a GPU one where installed, else CPU. */
  provider?: ProviderChoice
}

/** Session options for a provider already resolved (providers.ts resolveProvider); CPU when none is given. */
export function sessionOptions(opts: OrtRunnerOptions = {}, provider: ExecutionProvider = 'cpu'): ort.InferenceSession.SessionOptions {
  const base: ort.InferenceSession.SessionOptions = {
    intraOpNumThreads: opts.threads ?? 2,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    executionProviders: executionProvidersFor(provider)
  }
  if (opts.optimization === 'basic') return { ...base, graphOptimizationLevel: 'basic' }
  return {
    ...base,
    graphOptimizationLevel: 'all',
    extra: { optimization: { disable_specified_optimizers: 'SkipLayerNormFusion' } }
  }
}

/** One line for logs and the status bar, e.g. "onnxruntime-node 1.30.0 (CPU, 2 threads)" or "(CUDA, 2 threads)". */
export function describeOrtBackend(opts: OrtRunnerOptions = {}, provider: ExecutionProvider = 'cpu'): string {
  const version = ort.env.versions.node ?? ort.env.versions.common
  const threads = opts.threads ?? 2
  const level = opts.optimization === 'basic' ? ', basic optimisation' : ''
  return `onnxruntime-node ${version} (${providerLabel(provider)}, ${threads} thread${threads === 1 ? '' : 's'}${level})`
}

/**
 * An onnxruntime session on the provider `opts.provider` resolves to, from bytes or a path (a path finds
 * an external data file beside model.onnx). With the default optimisation, a build that rejects the
 * optimiser options is retried at 'basic'; a model that is really broken fails there too and the first
 * error is reported. For callers that need the raw session (the Stable Diffusion pipeline).
 */
export async function openOrtSession(model: Uint8Array | string, opts: OrtRunnerOptions = {}): Promise<{ session: ort.InferenceSession; provider: ExecutionProvider }> {
  const { provider } = await resolveProvider(opts.provider ?? 'auto')
  const create = (o: OrtRunnerOptions): Promise<ort.InferenceSession> =>
    typeof model === 'string' ? ort.InferenceSession.create(model, sessionOptions(o, provider)) : ort.InferenceSession.create(model, sessionOptions(o, provider))
  try {
    return { session: await create(opts), provider }
  } catch (e) {
    if (opts.optimization === undefined) {
      try {
        return { session: await create({ ...opts, optimization: 'basic' }), provider }
      } catch {
        // fall through to the first error
      }
    }
    throw e
  }
}

function elementCount(dims: readonly number[]): number {
  return dims.reduce((a, b) => a * b, 1)
}

export class OrtRunner {
  private constructor(
    private readonly session: ort.InferenceSession,
    /** The execution provider the session runs on. */
    readonly provider: ExecutionProvider
  ) {}

  static async fromBytes(bytes: Uint8Array, opts: OrtRunnerOptions = {}): Promise<OrtRunner> {
    if (!(bytes instanceof Uint8Array) || bytes.length === 0) throw new Error('onnx runner: model bytes are empty')
    let opened: Awaited<ReturnType<typeof openOrtSession>>
    try {
      opened = await openOrtSession(bytes, opts)
    } catch (e) {
      if (e instanceof ProviderUnavailableError) throw e
      throw new Error(`onnx runner: onnxruntime could not load the model: ${(e as Error).message}`)
    }
    return new OrtRunner(opened.session, opened.provider)
  }

  static async fromFile(path: string, opts: OrtRunnerOptions = {}): Promise<OrtRunner> {
    let bytes: Uint8Array
    try {
      bytes = await readFile(path)
    } catch (e) {
      throw new Error(`onnx runner: cannot read model file ${path}: ${(e as Error).message}`)
    }
    return OrtRunner.fromBytes(bytes, opts)
  }

  get inputNames(): readonly string[] {
    return this.session.inputNames
  }

  get outputNames(): readonly string[] {
    return this.session.outputNames
  }

  private feedsFor(inputs: Readonly<Record<string, FloatTensor>>): Record<string, ort.Tensor> {
    const feeds: Record<string, ort.Tensor> = {}
    for (const name of this.session.inputNames) {
      const t = inputs[name]
      if (!t) throw new Error(`onnx runner: missing input "${name}" (model inputs: ${this.session.inputNames.join(', ')})`)
      if (t.data.length !== elementCount(t.dims)) {
        throw new Error(`onnx runner: input "${name}" has ${t.data.length} values but dims [${t.dims.join(',')}]`)
      }
      feeds[name] = new ort.Tensor('float32', t.data, t.dims)
    }
    for (const name of Object.keys(inputs)) {
      if (!this.session.inputNames.includes(name)) throw new Error(`onnx runner: the model has no input "${name}"`)
    }
    return feeds
  }

  /** Runs the graph once. All outputs are returned unless `outputs` names a subset. */
  async run(inputs: Readonly<Record<string, FloatTensor>>, outputs?: readonly string[]): Promise<Record<string, FloatTensor>> {
    const feeds = this.feedsFor(inputs)
    const wanted = outputs ?? this.session.outputNames
    for (const name of wanted) {
      if (!this.session.outputNames.includes(name)) throw new Error(`onnx runner: the model has no output "${name}"`)
    }
    const result = await this.session.run(feeds, wanted as string[])
    const out: Record<string, FloatTensor> = {}
    for (const name of wanted) {
      const t = result[name]
      if (t.type !== 'float32') throw new Error(`onnx runner: output "${name}" is ${t.type}, expected float32`)
      out[name] = { data: t.data as Float32Array, dims: t.dims }
    }
    return out
  }

  /**
   * Runs the graph once, writing the named outputs into the caller's buffers instead of fresh arrays:
   * a training step's gradients are megabytes per run, and reusing one set of buffers spares their
   * allocation and the copy out of onnxruntime's own.
   */
  async runInto(inputs: Readonly<Record<string, FloatTensor>>, outputs: Readonly<Record<string, FloatTensor>>): Promise<void> {
    const feeds = this.feedsFor(inputs)
    const fetches: Record<string, ort.Tensor> = {}
    for (const [name, t] of Object.entries(outputs)) {
      if (!this.session.outputNames.includes(name)) throw new Error(`onnx runner: the model has no output "${name}"`)
      if (t.data.length !== elementCount(t.dims)) throw new Error(`onnx runner: output buffer "${name}" has ${t.data.length} values but dims [${t.dims.join(',')}]`)
      fetches[name] = new ort.Tensor('float32', t.data, t.dims)
    }
    await this.session.run(feeds, fetches)
  }

  /**
   * Runs a batch of any size in chunks of `chunk` rows along dimension 0 of every input, concatenating the
   * outputs along dimension 0. Bounds memory for large classification jobs.
   */
  async runBatched(inputs: Readonly<Record<string, FloatTensor>>, chunk: number, outputs?: readonly string[]): Promise<Record<string, FloatTensor>> {
    if (!Number.isInteger(chunk) || chunk <= 0) throw new Error(`onnx runner: chunk must be a positive integer, got ${chunk}`)
    const names = Object.keys(inputs)
    if (names.length === 0) throw new Error('onnx runner: no inputs given')
    const rows = inputs[names[0]].dims[0]
    for (const n of names) {
      if (inputs[n].dims.length === 0 || inputs[n].dims[0] !== rows) {
        throw new Error(`onnx runner: input "${n}" has leading dimension ${inputs[n].dims[0]}, expected ${rows} like "${names[0]}"`)
      }
    }
    const parts: Record<string, FloatTensor>[] = []
    for (let start = 0; start < rows; start += chunk) {
      const n = Math.min(chunk, rows - start)
      const slice: Record<string, FloatTensor> = {}
      for (const name of names) {
        const t = inputs[name]
        const row = elementCount(t.dims.slice(1))
        slice[name] = { data: t.data.subarray(start * row, (start + n) * row), dims: [n, ...t.dims.slice(1)] }
      }
      parts.push(await this.run(slice, outputs))
    }
    const out: Record<string, FloatTensor> = {}
    for (const name of Object.keys(parts[0] ?? {})) {
      const total = parts.reduce((s, p) => s + p[name].data.length, 0)
      const data = new Float32Array(total)
      let o = 0
      for (const p of parts) {
        data.set(p[name].data, o)
        o += p[name].data.length
      }
      out[name] = { data, dims: [rows, ...parts[0][name].dims.slice(1)] }
    }
    return out
  }

  async dispose(): Promise<void> {
    await this.session.release()
  }
}
