// Deliberate damage to HWC images in [-1, 1]: Gaussian pixel noise, Gaussian blur and a colour cast,
// each at a strength in the units a person would name (noise and cast in 0-1 intensity units, blur in
// pixels). Quality figures are checked against these: a figure that does not get worse as the damage
// grows does not measure quality.
import { Rng } from '../../../random/rng'

export type CorruptionKind = 'noise' | 'blur' | 'colour'

export interface Corruption {
  kind: CorruptionKind
  /** noise: standard deviation; colour: shift of red up and blue down; both in 0-1 units. blur: sigma in pixels. */
  strength: number
}

/** Three strengths per kind, mildest first; the mildest is plainly visible on a 16 px render at 4x. */
export const CORRUPTION_LADDER: Readonly<Record<CorruptionKind, readonly number[]>> = Object.freeze({
  noise: [0.04, 0.08, 0.16],
  blur: [0.5, 0.8, 1.2],
  colour: [0.05, 0.1, 0.2]
})

function clampUnit(v: number): number {
  return v < -1 ? -1 : v > 1 ? 1 : v
}

/** A corrupted copy of `count` images of `size` x `size` x `channels`; `seed` drives the noise. */
export function corruptImages(images: Float32Array, count: number, size: number, c: Corruption, seed = 0, channels = 3): Float32Array {
  if (images.length !== count * size * size * channels) throw new Error(`corrupt: expected ${count * size * size * channels} values, got ${images.length}`)
  if (!(c.strength >= 0)) throw new Error(`corrupt: strength must be >= 0, got ${String(c.strength)}`)
  switch (c.kind) {
    case 'noise': {
      const rng = Rng.derive(seed, 'corrupt-noise')
      // 0-1 units are half the [-1, 1] range.
      return images.map((v) => clampUnit(v + 2 * c.strength * rng.normal()))
    }
    case 'colour':
      return images.map((v, i) => {
        const ch = i % channels
        return ch === 0 ? clampUnit(v + 2 * c.strength) : ch === 2 ? clampUnit(v - 2 * c.strength) : v
      })
    case 'blur':
      return gaussianBlur(images, count, size, c.strength, channels)
  }
}

function gaussianBlur(images: Float32Array, count: number, size: number, sigma: number, channels: number): Float32Array {
  if (sigma === 0) return images.slice()
  const radius = Math.ceil(3 * sigma)
  const taps = Array.from({ length: 2 * radius + 1 }, (_, i) => Math.exp(-((i - radius) ** 2) / (2 * sigma * sigma)))
  const norm = taps.reduce((a, b) => a + b, 0)
  const weights = taps.map((t) => t / norm)
  const per = size * size * channels
  const tmp = new Float32Array(images.length)
  const out = new Float32Array(images.length)
  // Separable: rows then columns, edges clamped (the border pixel repeats).
  const pass = (from: Float32Array, to: Float32Array, horizontal: boolean): void => {
    for (let m = 0; m < count; m++) {
      for (let y = 0; y < size; y++) {
        for (let x = 0; x < size; x++) {
          for (let ch = 0; ch < channels; ch++) {
            let s = 0
            for (let d = -radius; d <= radius; d++) {
              const q = Math.min(size - 1, Math.max(0, (horizontal ? x : y) + d))
              const yy = horizontal ? y : q
              const xx = horizontal ? q : x
              s += weights[d + radius] * from[m * per + (yy * size + xx) * channels + ch]
            }
            to[m * per + (y * size + x) * channels + ch] = s
          }
        }
      }
    }
  }
  pass(images, tmp, true)
  pass(tmp, out, false)
  return out
}
