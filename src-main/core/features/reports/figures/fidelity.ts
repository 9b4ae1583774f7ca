// Image fidelity: how far a model's images are from clean images of *the same things*. Each audited
// image is paired with a reference image of the concept its prompt asks for and of the attributes the
// classifier read on it (the caller renders those; see features/reports/world-fidelity.ts). Because every
// reference has exactly the attribute mix of the audited set, moving that mix (becoming fairer or more
// biased) cannot move the figure; only how the images are drawn can.
//
// The distance is a squared maximum mean discrepancy (MMD^2) between the images and their references,
// with a product of Gaussian kernels over descriptor blocks. The pixel descriptor has three blocks, each
// aimed at one way images degrade:
//   layout    - the image area-averaged to 8x8 (what is where, and its colours),
//   sharpness - quantiles of the differences between neighbouring pixels (noise raises the small ones,
//               blur lowers the large ones),
//   colour    - quantiles of each channel's values (a colour cast shifts them all).
// Classifier features form a second, separate figure (one block): they see what the classifier sees,
// which is blind to most pixel noise, so they complement the pixel figure rather than replace it.
//
// The estimator is the unbiased U-statistic for *paired* samples: over pairs of distinct indices i != j,
//   h(i, j) = k(x_i, x_j) + k(y_i, y_j) - k(x_i, y_j) - k(x_j, y_i).
// An image and its own reference (i = j) are never compared, because they share concept and attributes
// and so are closer than two independent draws; counting them would push the estimate below zero.
// Being unbiased, the figure is about 0 (and can be slightly negative) when the images are as good as
// the references. It is reported as 100 x MMD^2 so typical values read as 0.1 to 50.

import type { Rng } from '../../../random/rng'
import { Z95 } from '../../../stats/bootstrap'
import type { Estimate } from './report-model'
import type { FidelityEvidence } from './types'

/** A descriptor: one Float64Array per block; the kernel compares block by block. */
export type Descriptor = readonly Float64Array[]

/** Squared bandwidth per block (the median squared distance between reference descriptors). */
export type KernelScale = readonly number[]

/** The figure is 100 x MMD^2, so typical values are readable without leading zeros. */
export const FIDELITY_UNIT = 100

/** Above this many pairs a seeded subset is used: the kernel matrices grow with the square. */
export const MAX_FIDELITY_PAIRS = 1200

const LAYOUT_SIDE = 8
const SHARPNESS_QUANTILES = [0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99]
const COLOUR_QUANTILES = [0.05, 0.25, 0.5, 0.75, 0.95]

function quantilesOf(values: Float64Array, qs: readonly number[]): number[] {
  const sorted = Float64Array.from(values).sort()
  return qs.map((q) => {
    const pos = q * (sorted.length - 1)
    const lo = Math.floor(pos)
    const hi = Math.min(sorted.length - 1, lo + 1)
    return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo)
  })
}

/**
 * The pixel descriptor of one HWC image (`size` x `size` x `channels`, any value range as long as all
 * images and references share it): layout, sharpness and colour blocks.
 */
export function pixelDescriptor(image: ArrayLike<number>, size: number, channels = 3): Descriptor {
  if (!Number.isInteger(size) || size < 2) throw new Error(`fidelity: image size must be an integer of at least 2, got ${String(size)}`)
  if (image.length !== size * size * channels) throw new Error(`fidelity: image has ${image.length} values, expected ${size * size * channels}`)
  const at = (y: number, x: number, c: number): number => image[(y * size + x) * channels + c]

  // Layout: area average over the cells of an 8x8 grid (cells may be uneven when size is not a multiple).
  const layout = new Float64Array(LAYOUT_SIDE * LAYOUT_SIDE * channels)
  const counts = new Float64Array(LAYOUT_SIDE * LAYOUT_SIDE)
  for (let y = 0; y < size; y++) {
    const gy = Math.min(LAYOUT_SIDE - 1, Math.floor((y * LAYOUT_SIDE) / size))
    for (let x = 0; x < size; x++) {
      const cell = gy * LAYOUT_SIDE + Math.min(LAYOUT_SIDE - 1, Math.floor((x * LAYOUT_SIDE) / size))
      counts[cell]++
      for (let c = 0; c < channels; c++) layout[cell * channels + c] += at(y, x, c)
    }
  }
  for (let cell = 0; cell < counts.length; cell++) for (let c = 0; c < channels; c++) layout[cell * channels + c] /= Math.max(1, counts[cell])

  const diffs = new Float64Array(2 * size * (size - 1) * channels)
  let k = 0
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      for (let c = 0; c < channels; c++) {
        const v = at(y, x, c)
        if (x + 1 < size) diffs[k++] = Math.abs(at(y, x + 1, c) - v)
        if (y + 1 < size) diffs[k++] = Math.abs(at(y + 1, x, c) - v)
      }
    }
  }
  const sharpness = Float64Array.from(quantilesOf(diffs, SHARPNESS_QUANTILES))

  const colour: number[] = []
  const channel = new Float64Array(size * size)
  for (let c = 0; c < channels; c++) {
    for (let i = 0; i < size * size; i++) channel[i] = image[i * channels + c]
    colour.push(...quantilesOf(channel, COLOUR_QUANTILES))
  }
  return [layout, sharpness, Float64Array.from(colour)]
}

/** A one-block descriptor of a feature vector (the classifier's features). */
export function featureDescriptor(features: ArrayLike<number>): Descriptor {
  return [Float64Array.from(features)]
}

function squaredDistance(a: Float64Array, b: Float64Array): number {
  if (a.length !== b.length) throw new Error(`fidelity: descriptor blocks differ in size (${a.length} vs ${b.length})`)
  let s = 0
  for (let i = 0; i < a.length; i++) {
    const d = a[i] - b[i]
    s += d * d
  }
  return s
}

/**
 * Bandwidths for the kernel: per block, the median squared distance between distinct descriptors of a
 * set of clean references. Fixing them from one canonical set keeps figures comparable across models
 * and reports; deriving them from the audited images would let a model move its own yardstick.
 */
export function kernelScaleOf(references: readonly Descriptor[]): KernelScale {
  if (references.length < 2) throw new Error(`fidelity: a kernel scale needs at least 2 references, got ${references.length}`)
  const blocks = references[0].length
  const scale: number[] = []
  for (let b = 0; b < blocks; b++) {
    const d: number[] = []
    for (let i = 0; i < references.length; i++) for (let j = i + 1; j < references.length; j++) d.push(squaredDistance(references[i][b], references[j][b]))
    d.sort((x, y) => x - y)
    const median = d[Math.floor(d.length / 2)]
    // A block that never varies among clean references (a constant image) still needs a finite scale.
    scale.push(median > 0 ? median : 1e-12)
  }
  return scale
}

function kernel(a: Descriptor, b: Descriptor, scale: KernelScale): number {
  if (a.length !== scale.length || b.length !== scale.length) throw new Error(`fidelity: descriptors have ${a.length} and ${b.length} blocks, the scale ${scale.length}`)
  let e = 0
  for (let i = 0; i < scale.length; i++) e += squaredDistance(a[i], b[i]) / scale[i]
  return Math.exp(-e)
}

export interface FidelityPair {
  imageId: string
  image: Descriptor
  reference: Descriptor
}

/** The pairs of one descriptor space from (image id, evidence) entries; images without that evidence are left out. */
export function fidelityPairs(entries: Iterable<readonly [string, FidelityEvidence | undefined]>, space: 'pixels' | 'features'): FidelityPair[] {
  const pairs: FidelityPair[] = []
  for (const [imageId, e] of entries) {
    const d = e?.[space]
    if (d) pairs.push({ imageId, image: d.image, reference: d.reference })
  }
  return pairs
}

/** h(i, j) for all pairs, as a symmetric n x n matrix (row-major). */
function pairKernelMatrix(pairs: readonly FidelityPair[], scale: KernelScale): Float64Array {
  const n = pairs.length
  const kxy = new Float64Array(n * n)
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (i !== j) kxy[i * n + j] = kernel(pairs[i].image, pairs[j].reference, scale)
  const h = new Float64Array(n * n)
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const v = kernel(pairs[i].image, pairs[j].image, scale) + kernel(pairs[i].reference, pairs[j].reference, scale) - kxy[i * n + j] - kxy[j * n + i]
      h[i * n + j] = v
      h[j * n + i] = v
    }
  }
  return h
}

/** The U-statistic over pairs of distinct indices, each index counted `weight` times (1 = observed data). */
function weightedU(h: Float64Array, weights: Float64Array): number {
  const n = weights.length
  let num = 0
  let total = 0
  let squares = 0
  for (let i = 0; i < n; i++) {
    const wi = weights[i]
    total += wi
    squares += wi * wi
    if (wi === 0) continue
    let row = 0
    for (let j = 0; j < n; j++) row += h[i * n + j] * weights[j]
    num += wi * row
  }
  const pairs = total * total - squares
  return pairs > 0 ? num / pairs : Number.NaN
}

/** The paired MMD^2 (unscaled) of images against their references. */
export function pairedMmd(pairs: readonly FidelityPair[], scale: KernelScale): number {
  if (pairs.length < 2) return Number.NaN
  return weightedU(pairKernelMatrix(pairs, scale), new Float64Array(pairs.length).fill(1))
}

/**
 * The fidelity figure with a 95% interval: 100 x paired MMD^2, the interval from the bootstrap standard
 * error (pairs resampled with replacement; repeated draws of one pair are never compared with
 * themselves). A normal interval around the estimate is used because the statistic is unbiased and its
 * percentile interval may not contain it near 0, where the distribution is skewed.
 */
export function fidelityEstimate(
  pairs: readonly FidelityPair[],
  scale: KernelScale,
  resamples: number,
  rng: Rng,
  sentence: (value: number | null, low: number | null, high: number | null, n: number) => string
): Estimate {
  let used = pairs
  if (pairs.length > MAX_FIDELITY_PAIRS) {
    const order = rng.permutation(pairs.length)
    used = Array.from(order.subarray(0, MAX_FIDELITY_PAIRS))
      .sort((a, b) => a - b)
      .map((i) => pairs[i])
  }
  const n = used.length
  const evidence = used.map((p) => p.imageId)
  if (n < 2) return { value: null, ciLow: null, ciHigh: null, n, method: 'pairs', sentence: sentence(null, null, null, n), evidence }
  const h = pairKernelMatrix(used, scale)
  const value = FIDELITY_UNIT * weightedU(h, new Float64Array(n).fill(1))
  const weights = new Float64Array(n)
  let mean = 0
  let m2 = 0
  let count = 0
  for (let r = 0; r < resamples; r++) {
    weights.fill(0)
    for (let k = 0; k < n; k++) weights[rng.int(n)]++
    const draw = FIDELITY_UNIT * weightedU(h, weights)
    if (!Number.isFinite(draw)) continue
    count++
    const delta = draw - mean
    mean += delta / count
    m2 += delta * (draw - mean)
  }
  const se = count > 1 ? Math.sqrt(m2 / (count - 1)) : Number.NaN
  const low = Number.isFinite(se) ? value - Z95 * se : null
  const high = Number.isFinite(se) ? value + Z95 * se : null
  return { value, ciLow: low, ciHigh: high, n, method: 'pairs', sentence: sentence(value, low, high, n), evidence }
}
