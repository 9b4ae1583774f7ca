// Shared fixtures for the ONNX engine tests: seeded random DiT parameters and inputs, and error metrics.
import { ditParameters, patchDim, tokenCount, timeFeatures, type DiTConfig } from '../../../src-main/core/engine/model/dit-spec'
// The app's mulberry32, so fixtures do not depend on Math.random and there is one copy of the generator.
import { seededRandom as rng } from '../../../src-main/core/random/rng'

/** Small enough for the float64 reference to run in milliseconds, big enough to exercise every axis. */
export const smallConfig: DiTConfig = {
  imageSize: 8,
  channels: 3,
  patch: 2,
  width: 16,
  depth: 2,
  heads: 2,
  mlpRatio: 2,
  timeFeatures: 8,
  vocabSize: 6
}

export function gaussian(r: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r())
}

/**
 * Random parameters with every tensor non-zero (unlike a true adaLN-Zero init), scaled by 1/sqrt(fan-in)
 * so activations stay O(1) and every path of the network, gates included, affects the output.
 */
export function randomParams(config: DiTConfig, seed: number): Record<string, Float32Array> {
  const r = rng(seed)
  const out: Record<string, Float32Array> = {}
  for (const s of ditParameters(config)) {
    const n = s.shape.reduce((a, b) => a * b, 1)
    const std = s.shape.length === 2 && s.name !== 'pos' ? 1 / Math.sqrt(s.shape[0]) : 0.2
    out[s.name] = Float32Array.from({ length: n }, () => gaussian(r) * std)
  }
  return out
}

export interface DiTInputs {
  xp: Float32Array
  tfeat: Float32Array
  cond: Float32Array
}

export function randomInputs(config: DiTConfig, batch: number, seed: number): DiTInputs {
  const r = rng(seed)
  const xp = Float32Array.from({ length: batch * tokenCount(config) * patchDim(config) }, () => gaussian(r))
  const steps = Array.from({ length: batch }, () => Math.floor(r() * 1000))
  const tfeat = timeFeatures(steps, config.timeFeatures)
  const V = config.vocabSize
  const cond = new Float32Array(batch * V)
  for (let b = 0; b < batch; b++) {
    // A normalised bag of 1-3 random words, as the spec's prompt encoding produces.
    const words = 1 + Math.floor(r() * 3)
    for (let k = 0; k < words; k++) cond[b * V + Math.floor(r() * V)] += 1 / words
  }
  return { xp, tfeat, cond }
}

/** max |a - b| / max |b|: the "relative" error the parity tests bound. */
export function maxRelError(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  if (actual.length !== expected.length) throw new Error(`length mismatch: ${actual.length} vs ${expected.length}`)
  let maxDiff = 0
  let maxRef = 0
  for (let i = 0; i < expected.length; i++) {
    maxDiff = Math.max(maxDiff, Math.abs(actual[i] - expected[i]))
    maxRef = Math.max(maxRef, Math.abs(expected[i]))
  }
  return maxDiff / maxRef
}
