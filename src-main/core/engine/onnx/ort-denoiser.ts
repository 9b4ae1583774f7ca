// The sampler's denoiser on onnxruntime-node: exports the DiT forward once (weights as initializers) and
// answers eps = model(x_t, t, prompt) for whole batches. Timestep features are computed here with the
// spec's timeFeatures, so callers deal only in integer timesteps.

import { patchDim, timeFeatures, tokenCount, validateDiTConfig, type DiTConfig } from '../model/dit-spec'
import { DIT_INPUTS, DIT_OUTPUT, exportDiTOnnx } from './export-dit'
import { OrtRunner, type OrtRunnerOptions } from './ort-runner'

export class OrtDenoiser {
  private constructor(
    readonly config: DiTConfig,
    private readonly runner: OrtRunner
  ) {}

  /** Exports `params` to ONNX and opens a session on it. */
  static async fromParams(config: DiTConfig, params: Readonly<Record<string, Float32Array>>, opts: OrtRunnerOptions = {}): Promise<OrtDenoiser> {
    return OrtDenoiser.fromBytes(config, exportDiTOnnx(config, params), opts)
  }

  /** Opens a session on an already exported DiT graph (e.g. one cached on disk). */
  static async fromBytes(config: DiTConfig, onnx: Uint8Array, opts: OrtRunnerOptions = {}): Promise<OrtDenoiser> {
    validateDiTConfig(config)
    const runner = await OrtRunner.fromBytes(onnx, opts)
    const want = Object.values(DIT_INPUTS)
    if (want.some((n) => !runner.inputNames.includes(n)) || !runner.outputNames.includes(DIT_OUTPUT)) {
      await runner.dispose()
      throw new Error(`onnx denoiser: the graph is not a DiT export (inputs ${runner.inputNames.join(', ')}; outputs ${runner.outputNames.join(', ')})`)
    }
    return new OrtDenoiser(config, runner)
  }

  /**
   * Predicted noise eps [batch, T, P] for noisy patches xp [batch, T, P] at integer timesteps `t` (one
   * for the whole batch, or one per sample) under prompt vectors cond [batch, V]. An arrow property so
   * it can be handed to sampleLoop({ denoise: denoiser.denoise }) unbound.
   */
  readonly denoise = async (xp: Float32Array, t: number | ArrayLike<number>, cond: Float32Array, batch: number): Promise<Float32Array> => {
    const c = this.config
    if (!Number.isInteger(batch) || batch <= 0) throw new Error(`onnx denoiser: batch must be a positive integer, got ${batch}`)
    const T = tokenCount(c)
    const P = patchDim(c)
    if (xp.length !== batch * T * P) throw new Error(`onnx denoiser: xp has ${xp.length} values, expected ${batch * T * P} for batch ${batch}`)
    if (cond.length !== batch * c.vocabSize) throw new Error(`onnx denoiser: cond has ${cond.length} values, expected ${batch * c.vocabSize} for batch ${batch}`)
    const steps = typeof t === 'number' ? new Array<number>(batch).fill(t) : Array.from(t)
    if (steps.length !== batch) throw new Error(`onnx denoiser: ${steps.length} timesteps given for batch ${batch}`)
    for (const s of steps) {
      if (!Number.isFinite(s) || s < 0) throw new Error(`onnx denoiser: timestep must be a finite non-negative number, got ${s}`)
    }
    const out = await this.runner.run({
      [DIT_INPUTS.xp]: { data: xp, dims: [batch, T, P] },
      [DIT_INPUTS.tfeat]: { data: timeFeatures(steps, c.timeFeatures), dims: [batch, c.timeFeatures] },
      [DIT_INPUTS.cond]: { data: cond, dims: [batch, c.vocabSize] }
    })
    return out[DIT_OUTPUT].data
  }

  async dispose(): Promise<void> {
    await this.runner.dispose()
  }
}
