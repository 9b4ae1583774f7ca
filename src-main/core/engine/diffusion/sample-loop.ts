/**
 * Backend-agnostic reverse diffusion. The tfjs and onnxruntime samplers supply `denoise`; this
 * loop owns the schedule, the respacing, classifier-free guidance and ALL randomness, so a given
 * seed gives the same samples whichever backend computes ε̂ (up to that backend's arithmetic).
 *
 * Noise is elementwise, so the loop does not care how a sample's `sampleSize` floats are laid out
 * (image, patches, latent); it only needs the denoiser to use the same layout for input and output.
 */
import { Rng } from '../../random/rng'
import { cfgCombine } from './guidance'
import { toEpsilon, type Prediction } from './forward'
import { respaceSchedule, spacedTimesteps, type Spacing } from './respacing'
import type { NoiseSchedule } from './schedule'
import { ddimStep, ddpmStep, type DdpmVariance } from './steps'

/**
 * Predicts for `batch` samples at once: x is batch*sampleSize floats, t holds the ORIGINAL
 * training timestep per sample, cond is batch*condSize floats. Returns batch*sampleSize floats.
 */
export type Denoiser = (x: Float32Array, t: Int32Array, cond: Float32Array, batch: number) => Promise<Float32Array>

export type SamplerKind = 'ddpm' | 'ddim'

export interface SampleProgress {
  /** Steps done so far (1..total). */
  readonly step: number
  readonly total: number
  /** Original timestep just denoised. */
  readonly timestep: number
}

export interface SampleLoopOptions {
  readonly denoise: Denoiser
  /** The training schedule (usually T = 1000); respaced here to `steps`. */
  readonly schedule: NoiseSchedule
  readonly sampler: SamplerKind
  readonly steps: number
  /** How to pick the kept timesteps; default 'guided' (even, both ends). */
  readonly spacing?: Spacing
  /** DDIM stochasticity (0 = deterministic); ignored by DDPM. Default 0. */
  readonly eta?: number
  /** CFG scale w; 1 runs the conditional model only (one call of B per step). */
  readonly guidance: number
  /** Per-sample condition vectors, batch*condSize floats. */
  readonly cond: Float32Array
  /** The "empty prompt" condition, condSize floats. */
  readonly nullCond: Float32Array
  readonly batch: number
  /** Floats per sample. */
  readonly sampleSize: number
  /**
   * One seed for the batch, or one per sample. Each sample draws from its own stream
   * (Rng.derive(seed, 'sample', i) or Rng(seeds[i])), so a sample does not depend on batch size.
   */
  readonly seed: number | readonly number[]
  /** Clip x̂0 to [-1, 1] at every step. */
  readonly clipX0: boolean
  /** What the denoiser outputs; default 'epsilon'. */
  readonly prediction?: Prediction
  /** DDPM variance choice; default 'fixed_small'. */
  readonly ddpmVariance?: DdpmVariance
  readonly onProgress?: (p: SampleProgress) => void
  /** Cancels between steps; the loop then rejects with an Error named 'AbortError'. */
  readonly signal?: AbortSignal
}

function validate(o: SampleLoopOptions): number {
  if (o.sampler !== 'ddpm' && o.sampler !== 'ddim') {
    throw new Error(`unknown sampler "${String(o.sampler)}"; expected ddpm or ddim`)
  }
  if (!Number.isInteger(o.batch) || o.batch < 1) throw new Error(`batch must be a positive integer, got ${o.batch}`)
  if (!Number.isInteger(o.sampleSize) || o.sampleSize < 1) {
    throw new Error(`sampleSize must be a positive integer, got ${o.sampleSize}`)
  }
  if (!Number.isFinite(o.guidance)) throw new Error(`guidance must be finite, got ${o.guidance}`)
  const eta = o.eta ?? 0
  if (!(eta >= 0 && eta <= 1)) throw new Error(`eta must be in [0, 1], got ${eta}`)
  const condSize = o.nullCond.length
  if (o.cond.length !== o.batch * condSize) {
    throw new Error(`cond has ${o.cond.length} floats but batch ${o.batch} x nullCond length ${condSize} were expected`)
  }
  if (Array.isArray(o.seed) ? o.seed.length !== o.batch : false) {
    throw new Error(`${(o.seed as readonly number[]).length} seeds given for a batch of ${o.batch}`)
  }
  return condSize
}

function abortError(): Error {
  const err = new Error('sampling was cancelled')
  err.name = 'AbortError'
  return err
}

/** Runs the reverse process from pure noise and returns batch*sampleSize floats of x0. */
export async function sampleLoop(o: SampleLoopOptions): Promise<Float32Array> {
  const condSize = validate(o)
  const { batch, sampleSize } = o
  const n = batch * sampleSize
  const kept = spacedTimesteps(o.spacing ?? 'guided', o.steps, o.schedule.T)
  const sched = respaceSchedule(o.schedule, kept)
  const seeds = o.seed
  const rngs = Array.from({ length: batch }, (_, i) => (typeof seeds === 'number' ? Rng.derive(seeds, 'sample', i) : new Rng(seeds[i])))
  const fillNoise = (buf: Float32Array): Float32Array => {
    for (let i = 0; i < batch; i++) rngs[i].fillNormal(buf.subarray(i * sampleSize, (i + 1) * sampleSize))
    return buf
  }

  const guided = o.guidance !== 1
  // Condition batch for the guided call: [cond; nullCond x B], built once.
  let condIn = o.cond
  if (guided) {
    condIn = new Float32Array(2 * batch * condSize)
    condIn.set(o.cond, 0)
    for (let i = 0; i < batch; i++) condIn.set(o.nullCond, (batch + i) * condSize)
  }
  const xIn = new Float32Array(guided ? 2 * n : n)
  const tIn = new Int32Array(guided ? 2 * batch : batch)

  let x: Float32Array = fillNoise(new Float32Array(n))
  let next: Float32Array = new Float32Array(n)
  const noise = new Float32Array(n)
  const eta = o.eta ?? 0
  const stochastic = o.sampler === 'ddpm' || eta > 0

  for (let step = 0, j = sched.T - 1; j >= 0; j--, step++) {
    if (o.signal?.aborted) throw abortError()
    const timestep = sched.timesteps[j]
    tIn.fill(timestep)
    xIn.set(x, 0)
    if (guided) xIn.set(x, n)
    const raw = await o.denoise(xIn, tIn, condIn, guided ? 2 * batch : batch)
    if (raw.length !== xIn.length) {
      throw new Error(`denoiser returned ${raw.length} floats, expected ${xIn.length}`)
    }
    const ab = sched.alphasCumprod[j]
    let eps = toEpsilon(o.prediction ?? 'epsilon', raw, xIn, ab)
    if (guided) eps = cfgCombine(eps.subarray(0, n), eps.subarray(n, 2 * n), o.guidance)
    // Noise is drawn on every step but the last (never for deterministic DDIM), a fixed rule so
    // the random stream depends only on (seed, sampler, eta, steps).
    const z = stochastic && j > 0 ? fillNoise(noise) : null
    const arrays = { xt: x, eps, noise: z, clipX0: o.clipX0, out: next }
    if (o.sampler === 'ddpm') ddpmStep(sched, j, arrays, o.ddpmVariance ?? 'fixed_small')
    else ddimStep(sched, j, arrays, eta)
    const swap = x
    x = next
    next = swap
    o.onProgress?.({ step: step + 1, total: sched.T, timestep })
  }
  return x
}
