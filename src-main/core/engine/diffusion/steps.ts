/**
 * One reverse step of the DDPM ancestral sampler (docs/methods/diffusion.md §DDPM step) and of DDIM (§DDIM step), applied
 * to a whole batch at the same schedule index. Both take ε predictions; the caller supplies the
 * Gaussian noise so that all randomness stays in one seeded place (sample-loop.ts).
 */
import type { NoiseSchedule } from './schedule'
import { KernelScratch } from '../simd/kernels'

export type DdpmVariance = 'fixed_small' | 'fixed_large'

export interface PosteriorCoefficients {
  /** Weight on x̂0 in the posterior mean. */
  readonly c1: number
  /** Weight on x_t in the posterior mean. */
  readonly c2: number
  /** β̃_j = β_j (1-ᾱ_{j-1}) / (1-ᾱ_j). */
  readonly variance: number
}

/** Posterior q(x_{j-1} | x_j, x0) coefficients at schedule index j (ᾱ_{-1} = 1). */
export function posteriorCoefficients(schedule: NoiseSchedule, j: number): PosteriorCoefficients {
  if (!Number.isInteger(j) || j < 0 || j >= schedule.T) {
    throw new Error(`schedule index ${j} is outside [0, ${schedule.T - 1}]`)
  }
  const beta = schedule.betas[j]
  const ab = schedule.alphasCumprod[j]
  const abPrev = schedule.alphasCumprodPrev[j]
  return {
    c1: (beta * Math.sqrt(abPrev)) / (1 - ab),
    c2: ((1 - abPrev) * Math.sqrt(schedule.alphas[j])) / (1 - ab),
    variance: (beta * (1 - abPrev)) / (1 - ab)
  }
}

/** The variance actually used for the ancestral noise at index j. */
export function ddpmStepVariance(schedule: NoiseSchedule, j: number, kind: DdpmVariance): number {
  if (kind === 'fixed_small') return posteriorCoefficients(schedule, j).variance
  // "fixed large" = β_j, except index 0 uses β̃_1 (guided-diffusion), which only matters for
  // log-likelihoods since no noise is added at the last step anyway.
  if (j === 0 && schedule.T > 1) return posteriorCoefficients(schedule, 1).variance
  return schedule.betas[j]
}

function clip(v: number, on: boolean): number {
  if (!on) return v
  return v < -1 ? -1 : v > 1 ? 1 : v
}

export interface StepArrays {
  /** Current x_t, length n. */
  readonly xt: Float32Array
  /** ε̂ for x_t, length n. */
  readonly eps: Float32Array
  /** Standard normal noise, length n; ignored on the last step (index 0). */
  readonly noise: Float32Array | null
  /** Clip x̂0 to [-1, 1] (guided-diffusion's default when sampling). */
  readonly clipX0: boolean
  readonly out?: Float32Array
}

/** x_{j-1} = c1·x̂0 + c2·x_t + sqrt(var)·z (no noise at j = 0). */
export function ddpmStep(schedule: NoiseSchedule, j: number, arrays: StepArrays, variance: DdpmVariance = 'fixed_small'): Float32Array {
  const { xt, eps, noise, clipX0 } = arrays
  const out = arrays.out ?? new Float32Array(xt.length)
  if (eps.length !== xt.length || out.length !== xt.length) {
    throw new Error('ddpmStep: x_t, ε̂ and out must have the same length')
  }
  const addNoise = j > 0
  if (addNoise && (noise === null || noise.length !== xt.length)) {
    throw new Error('ddpmStep: noise of the same length as x_t is required before the last step')
  }
  const { c1, c2 } = posteriorCoefficients(schedule, j)
  const std = addNoise ? Math.sqrt(ddpmStepVariance(schedule, j, variance)) : 0
  const sa = schedule.sqrtAlphasCumprod[j]
  const s1a = schedule.sqrtOneMinusAlphasCumprod[j]
  const coef: StepCoefficients = { clipX0, a: sa, b: s1a, c: c1, d: c2, noiseScale: std }
  if (!stepKernel('ddpm', xt, eps, addNoise ? noise : null, out, coef)) ddpmLoop(xt, eps, addNoise ? noise : null, out, coef)
  return out
}

/**
 * Coefficients of one step over whole arrays: (a, b) = (√ᾱ_t, √(1−ᾱ_t)) in both samplers; (c, d) are
 * DDPM's posterior weights (c1, c2) or DDIM's (√ᾱ_prev, direction coefficient); noiseScale multiplies z.
 */
export interface StepCoefficients {
  clipX0: boolean
  a: number
  b: number
  c: number
  d: number
  noiseScale: number
}

/** The DDPM step as a plain loop: the reference the SIMD kernel matches bit for bit, and its fallback. */
export function ddpmLoop(xt: Float32Array, eps: Float32Array, noise: Float32Array | null, out: Float32Array, k: StepCoefficients): void {
  const { a: sa, b: s1a, c: c1, d: c2, noiseScale: std, clipX0 } = k
  for (let i = 0; i < xt.length; i++) {
    const x0 = clip((xt[i] - s1a * eps[i]) / sa, clipX0)
    const mean = c1 * x0 + c2 * xt[i]
    out[i] = noise ? mean + std * noise[i] : mean
  }
}

/** The DDIM step as a plain loop: the reference the SIMD kernel matches bit for bit, and its fallback. */
export function ddimLoop(xt: Float32Array, eps: Float32Array, noise: Float32Array | null, out: Float32Array, k: StepCoefficients): void {
  const { a: sa, b: s1a, c: saPrev, d: dirCoef, noiseScale: sigma, clipX0 } = k
  for (let i = 0; i < xt.length; i++) {
    let e = eps[i]
    let x0 = (xt[i] - s1a * e) / sa
    if (clipX0) {
      const c = clip(x0, true)
      if (c !== x0) {
        x0 = c
        e = (xt[i] - sa * x0) / s1a
      }
    }
    const mean = saPrev * x0 + dirCoef * e
    out[i] = noise ? mean + sigma * noise[i] : mean
  }
}

// One scratch memory per process for the step kernels: a step copies its arrays in and the result out
// (a few hundred kilobytes per sampling batch, far below the loop's cost).
const scratch = new KernelScratch()

/** Runs one step in the SIMD kernel; false where WebAssembly SIMD is unavailable (the caller loops). */
function stepKernel(kind: 'ddim' | 'ddpm', xt: Float32Array, eps: Float32Array, noise: Float32Array | null, out: Float32Array, k: StepCoefficients): boolean {
  const n = xt.length
  const got = scratch.arraysFor(n, 4)
  if (!got) return false
  const { arena, arrays } = got
  const [x, e, z, o] = arrays
  x.set(xt)
  e.set(eps)
  if (noise) z.set(noise)
  const at = (v: Float32Array): number => arena.offsetOf(v)
  arena.kernels[kind](at(x), at(e), noise ? at(z) : 0, at(o), x.length, k.clipX0 ? 1 : 0, k.a, k.b, k.c, k.d, k.noiseScale)
  out.set(o.subarray(0, n))
  return true
}

/** σ_t of DDIM: η·sqrt((1-ᾱ_prev)/(1-ᾱ_t))·sqrt(1-ᾱ_t/ᾱ_prev). */
export function ddimSigma(abT: number, abPrev: number, eta: number): number {
  if (!(eta >= 0)) throw new Error(`DDIM eta must be >= 0, got ${eta}`)
  return eta * Math.sqrt((1 - abPrev) / (1 - abT)) * Math.sqrt(1 - abT / abPrev)
}

/** Scalar DDIM update; returns the deterministic part and σ (the caller adds σ·z). */
export function ddimScalar(xt: number, eps: number, abT: number, abPrev: number, eta: number): { x0: number; mean: number; sigma: number } {
  const x0 = (xt - Math.sqrt(1 - abT) * eps) / Math.sqrt(abT)
  const sigma = ddimSigma(abT, abPrev, eta)
  const mean = Math.sqrt(abPrev) * x0 + Math.sqrt(Math.max(0, 1 - abPrev - sigma * sigma)) * eps
  return { x0, mean, sigma }
}

/**
 * DDIM from schedule index j to the previous kept index (ᾱ_prev = 1 at j = 0). With clipping,
 * ε is re-derived from the clipped x̂0, as guided-diffusion does, so the step stays consistent.
 */
export function ddimStep(schedule: NoiseSchedule, j: number, arrays: StepArrays, eta: number): Float32Array {
  const { xt, eps, noise, clipX0 } = arrays
  const out = arrays.out ?? new Float32Array(xt.length)
  if (eps.length !== xt.length || out.length !== xt.length) {
    throw new Error('ddimStep: x_t, ε̂ and out must have the same length')
  }
  if (!Number.isInteger(j) || j < 0 || j >= schedule.T) {
    throw new Error(`schedule index ${j} is outside [0, ${schedule.T - 1}]`)
  }
  const abT = schedule.alphasCumprod[j]
  const abPrev = schedule.alphasCumprodPrev[j]
  const sigma = j > 0 ? ddimSigma(abT, abPrev, eta) : 0
  if (sigma > 0 && (noise === null || noise.length !== xt.length)) {
    throw new Error('ddimStep: noise of the same length as x_t is required when eta > 0')
  }
  const sa = Math.sqrt(abT)
  const s1a = Math.sqrt(1 - abT)
  const saPrev = Math.sqrt(abPrev)
  const dirCoef = Math.sqrt(Math.max(0, 1 - abPrev - sigma * sigma))
  const coef: StepCoefficients = { clipX0, a: sa, b: s1a, c: saPrev, d: dirCoef, noiseScale: sigma }
  const z = sigma > 0 ? noise : null
  if (!stepKernel('ddim', xt, eps, z, out, coef)) ddimLoop(xt, eps, z, out, coef)
  return out
}
