/**
 * Forward noising and conversions between ε, x0 and v predictions (docs/methods/diffusion.md §Forward process and SNR, §Parameterisations).
 * Array functions work on a batch laid out sample-major: `sampleSize` floats per sample, one
 * schedule index per sample in `t`.
 */
import type { NoiseSchedule } from './schedule'

type FloatArray = Float32Array | Float64Array

function checkBatch(name: string, arr: FloatArray, t: Int32Array, sampleSize: number): void {
  if (arr.length !== t.length * sampleSize) {
    throw new Error(`${name} has ${arr.length} values but ${t.length} samples x ${sampleSize} = ${t.length * sampleSize} were expected`)
  }
}

function checkIndex(schedule: NoiseSchedule, t: number): void {
  if (!Number.isInteger(t) || t < 0 || t >= schedule.T) {
    throw new Error(`timestep ${t} is outside the schedule [0, ${schedule.T - 1}]`)
  }
}

/** x_t = sqrt(ᾱ_t)·x0 + sqrt(1-ᾱ_t)·ε for every sample. */
export function qSample(schedule: NoiseSchedule, x0: FloatArray, eps: FloatArray, t: Int32Array, sampleSize: number, out: Float32Array = new Float32Array(x0.length)): Float32Array {
  checkBatch('x0', x0, t, sampleSize)
  checkBatch('eps', eps, t, sampleSize)
  checkBatch('out', out, t, sampleSize)
  for (let i = 0; i < t.length; i++) {
    checkIndex(schedule, t[i])
    const a = schedule.sqrtAlphasCumprod[t[i]]
    const b = schedule.sqrtOneMinusAlphasCumprod[t[i]]
    const base = i * sampleSize
    for (let k = base; k < base + sampleSize; k++) out[k] = a * x0[k] + b * eps[k]
  }
  return out
}

// Scalar conversions at a given ᾱ (ab). Used by the samplers and the 1-D sandbox.

/** x̂0 = (x_t - sqrt(1-ᾱ)·ε̂) / sqrt(ᾱ). */
export function x0FromEps(xt: number, eps: number, ab: number): number {
  return (xt - Math.sqrt(1 - ab) * eps) / Math.sqrt(ab)
}

/** ε̂ = (x_t - sqrt(ᾱ)·x̂0) / sqrt(1-ᾱ). */
export function epsFromX0(xt: number, x0: number, ab: number): number {
  return (xt - Math.sqrt(ab) * x0) / Math.sqrt(1 - ab)
}

/** v = sqrt(ᾱ)·ε - sqrt(1-ᾱ)·x0. */
export function velocity(x0: number, eps: number, ab: number): number {
  return Math.sqrt(ab) * eps - Math.sqrt(1 - ab) * x0
}

/** x̂0 = sqrt(ᾱ)·x_t - sqrt(1-ᾱ)·v̂. */
export function x0FromV(xt: number, v: number, ab: number): number {
  return Math.sqrt(ab) * xt - Math.sqrt(1 - ab) * v
}

/** ε̂ = sqrt(1-ᾱ)·x_t + sqrt(ᾱ)·v̂ (from the two identities above). */
export function epsFromV(xt: number, v: number, ab: number): number {
  return Math.sqrt(1 - ab) * xt + Math.sqrt(ab) * v
}

/** What a denoiser outputs. */
export type Prediction = 'epsilon' | 'x0' | 'v'

/**
 * Converts model outputs of any parameterisation at one ᾱ into ε predictions (a new array unless
 * already ε), so that x0- and v-models can use the ε-based samplers.
 */
export function toEpsilon(prediction: Prediction, output: Float32Array, xt: Float32Array, ab: number): Float32Array {
  if (output.length !== xt.length) throw new Error('model output and x_t differ in length')
  if (prediction === 'epsilon') return output
  const out = new Float32Array(output.length)
  for (let k = 0; k < out.length; k++) {
    out[k] = prediction === 'x0' ? epsFromX0(xt[k], output[k], ab) : epsFromV(xt[k], output[k], ab)
  }
  return out
}
