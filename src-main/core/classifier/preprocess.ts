// Image file bytes -> one image of a classifier's input tensor: decoded by sharp (any format it reads,
// alpha dropped, greyscale expanded to RGB), resized to the model's size, normalised, laid out NHWC or
// NCHW. An integer 'area' downscale is an exact box average, so the built-in world's nearest-upscaled
// PNGs come back as their 16x16 renders.

import { decodeRgbAt, DecodeError } from './decode'
import type { InputSpec } from './mapping-file'

/** The file could not be turned into pixels; the image's status becomes 'error' with this message. */
export { DecodeError }

/** RGB values in [0, 255], HWC, at the model's size. */
export async function decodeRgb(bytes: Uint8Array, input: InputSpec): Promise<Float32Array> {
  if (bytes.length === 0) throw new DecodeError('empty file')
  return decodeRgbAt(bytes, input.width, input.height, input.resize)
}

/** Normalises HWC [0, 255] RGB into `out` at image slot `index`, in the spec's layout. */
export function writeNormalised(rgb: Float32Array, input: InputSpec, out: Float32Array, index: number): void {
  const n = input.width * input.height
  if (rgb.length !== n * 3) throw new Error(`expected ${n * 3} RGB values, got ${rgb.length}`)
  const base = index * n * 3
  const norm = input.normalize
  const scale = norm.kind === 'range' ? [0, 1, 2].map(() => (norm.range[1] - norm.range[0]) / 255) : norm.std.map((s) => 1 / (255 * s))
  const shift = norm.kind === 'range' ? [0, 1, 2].map(() => norm.range[0]) : norm.mean.map((m, c) => -m / norm.std[c])
  for (let p = 0; p < n; p++)
    for (let c = 0; c < 3; c++) {
      const v = rgb[p * 3 + c] * scale[c] + shift[c]
      if (input.layout === 'NHWC') out[base + p * 3 + c] = v
      else out[base + c * n + p] = v
    }
}

export function imageValues(input: InputSpec): number {
  return input.width * input.height * 3
}

export function inputDims(input: InputSpec, n: number): number[] {
  return input.layout === 'NHWC' ? [n, input.height, input.width, 3] : [n, 3, input.height, input.width]
}
