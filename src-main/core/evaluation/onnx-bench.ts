// Sampling throughput on onnxruntime-node, for `npm run bench:engine` (its ORT row next to the tfjs row).
// Uses random weights: speed does not depend on their values, and the bench must not need a trained model.

import { ditParameters, patchDim, tokenCount, type DiTConfig } from '../engine/model/dit-spec'
import { Rng } from '../random/rng'
import { OrtDenoiser } from '../engine/onnx/ort-denoiser'
import { sampleImages } from '../engine/onnx/sample-images'

export interface OrtSamplingBench {
  /** Images per second of a full `steps`-step DDIM run at `batch` images. */
  imagesPerSecond: number
  /** Median time of one forward pass at the sampling batch (2x batch under guidance). */
  forwardMs: number
  /** Wall time of the full sampling run (the median of sampleRepeats runs). */
  sampleMs: number
  forwardBatch: number
}

export interface OrtBenchOptions {
  /** CFG scale; 1 (default) means one forward of `batch` per step, as the tfjs row measures. */
  guidance?: number
  seed?: number
  /** Forward passes timed for forwardMs (after one warm-up). */
  forwardRepeats?: number
  /** Full sampling runs timed for sampleMs, the median taken (after one untimed run); default 1. */
  sampleRepeats?: number
}

/** Random parameters scaled by 1/sqrt(fan-in) so activations stay finite over many steps. */
export function benchParams(config: DiTConfig, seed: number): Record<string, Float32Array> {
  const rng = new Rng(seed)
  const out: Record<string, Float32Array> = {}
  for (const s of ditParameters(config)) {
    const n = s.shape.reduce((a, b) => a * b, 1)
    const std = s.shape.length === 2 ? 1 / Math.sqrt(s.shape[0]) : 0.02
    out[s.name] = rng.fillNormal(new Float32Array(n), 0, std)
  }
  return out
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  const m = s.length >> 1
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2
}

export async function benchOrtSampling(config: DiTConfig, batch: number, steps: number, opts: OrtBenchOptions = {}): Promise<OrtSamplingBench> {
  if (!Number.isInteger(batch) || batch <= 0) throw new Error(`bench: batch must be a positive integer, got ${batch}`)
  if (!Number.isInteger(steps) || steps <= 0) throw new Error(`bench: steps must be a positive integer, got ${steps}`)
  const guidance = opts.guidance ?? 1
  const seed = opts.seed ?? 1
  const denoiser = await OrtDenoiser.fromParams(config, benchParams(config, seed))
  try {
    const V = config.vocabSize
    const cond = new Float32Array(batch * V)
    // Real-word prompts (not the <null> token 0), cycling through the vocabulary.
    for (let b = 0; b < batch; b++) cond[b * V + (V > 1 ? 1 + (b % (V - 1)) : 0)] = 1
    const forwardBatch = guidance === 1 ? batch : 2 * batch
    const xp = new Rng(seed + 1).fillNormal(new Float32Array(forwardBatch * tokenCount(config) * patchDim(config)))
    const fcond = new Float32Array(forwardBatch * V)
    fcond.set(cond)
    await denoiser.denoise(xp, 500, fcond, forwardBatch) // warm-up: first run allocates ORT's arenas
    const times: number[] = []
    for (let i = 0; i < (opts.forwardRepeats ?? 5); i++) {
      const t0 = performance.now()
      await denoiser.denoise(xp, 500, fcond, forwardBatch)
      times.push(performance.now() - t0)
    }
    const run = () => sampleImages({ config, denoiser, cond, seed, sampler: 'ddim', steps, guidance, chunk: batch })
    const repeats = opts.sampleRepeats ?? 1
    if (repeats > 1) await run() // warm: the loop's code and buffers, as in a sampling job's later batches
    const runs: number[] = []
    for (let i = 0; i < repeats; i++) {
      const t0 = performance.now()
      await run()
      runs.push(performance.now() - t0)
    }
    const sampleMs = median(runs)
    return { imagesPerSecond: (batch * 1000) / sampleMs, forwardMs: median(times), sampleMs, forwardBatch }
  } finally {
    await denoiser.dispose()
  }
}
