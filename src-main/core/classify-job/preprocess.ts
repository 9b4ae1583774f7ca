// Image file bytes -> one image of a classifier's input tensor: decoded by sharp (any format it reads,
// alpha dropped, greyscale expanded to RGB), resized to the model's size, normalised, laid out NHWC or
// NCHW. An integer 'area' downscale is an exact box average, so the built-in world's nearest-upscaled
// PNGs come back as their 16x16 renders.

import sharp from 'sharp'
import type { InputSpec } from './mapping'

/** The file could not be turned into pixels; the image's status becomes 'error' with this message. */
export class DecodeError extends Error {}

function boxDownscale(rgb: Uint8Array, width: number, k: number, outW: number, outH: number): Float32Array {
  const out = new Float32Array(outW * outH * 3)
  for (let y = 0; y < outH; y++)
    for (let x = 0; x < outW; x++)
      for (let c = 0; c < 3; c++) {
        let s = 0
        for (let dy = 0; dy < k; dy++) for (let dx = 0; dx < k; dx++) s += rgb[((y * k + dy) * width + x * k + dx) * 3 + c]
        out[(y * outW + x) * 3 + c] = s / (k * k)
      }
  return out
}

/** RGB values in [0, 255], HWC, at the model's size. */
export async function decodeRgb(bytes: Uint8Array, input: InputSpec): Promise<Float32Array> {
  if (bytes.length === 0) throw new DecodeError('empty file')
  let raw: { data: Buffer; info: { width: number; height: number; channels: number } }
  try {
    raw = await sharp(bytes).removeAlpha().toColourspace('srgb').raw().toBuffer({ resolveWithObject: true })
  } catch (e) {
    throw new DecodeError(`cannot decode image: ${(e as Error).message}`)
  }
  const { width, height, channels } = raw.info
  if (channels !== 3) throw new DecodeError(`decoded image has ${channels} channels, expected 3`)
  const k = width / input.width
  if (input.resize === 'area' && Number.isInteger(k) && k >= 1 && height === input.height * k) {
    return boxDownscale(new Uint8Array(raw.data), width, k, input.width, input.height)
  }
  if (width === input.width && height === input.height) return Float32Array.from(raw.data)
  const kernel = input.resize === 'nearest' ? 'nearest' : input.resize === 'area' ? 'mitchell' : 'linear'
  const resized = await sharp(raw.data, { raw: { width, height, channels: 3 } }).resize(input.width, input.height, { fit: 'fill', kernel }).raw().toBuffer()
  return Float32Array.from(resized)
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
