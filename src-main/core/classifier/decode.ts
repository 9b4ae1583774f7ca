// Image file bytes -> a classifier's input: decoded by sharp (any format it reads, alpha dropped,
// greyscale expanded to RGB), resized to the model's size, normalised ([0, 255] onto a range, or
// mean/std per channel), laid out NHWC or NCHW. An integer 'area' downscale is an exact box average, so
// the built-in world's nearest-upscaled PNGs come back as their 16x16 renders (up to 8-bit quantisation).

import sharp from 'sharp'
import type { ClassifierMapping } from './mapping'
import type { InputSpec } from './mapping-file'

/** The file could not be turned into pixels; the message says why. */
export class DecodeError extends Error {}

/** How an image is brought to the model's size when it is not already that size. */
export type ResizeKind = 'area' | 'nearest' | 'bilinear'

/** sharp's kernel for each resize kind; 'area' falls back to mitchell when the factor is not an integer. */
const RESIZE_KERNEL = { area: 'mitchell', nearest: 'nearest', bilinear: 'linear' } as const

/** Box-average an RGB image by an integer factor k in each direction. */
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

/**
 * RGB values in [0, 255], HWC, at `width` x `height`: alpha dropped, greyscale expanded to RGB. An
 * integer 'area' downscale is an exact box average; throws DecodeError for files sharp cannot read.
 */
export async function decodeRgbAt(bytes: Uint8Array, width: number, height: number, resize: ResizeKind): Promise<Float32Array> {
  let raw: { data: Buffer; info: { width: number; height: number; channels: number } }
  try {
    raw = await sharp(bytes).removeAlpha().toColourspace('srgb').raw().toBuffer({ resolveWithObject: true })
  } catch (e) {
    throw new DecodeError(`cannot decode image: ${(e as Error).message}`)
  }
  const info = raw.info
  if (info.channels !== 3) throw new DecodeError(`decoded image has ${info.channels} channels, expected 3`)
  const k = info.width / width
  if (resize === 'area' && Number.isInteger(k) && k >= 1 && info.height === height * k) {
    return boxDownscale(new Uint8Array(raw.data), info.width, k, width, height)
  }
  if (info.width === width && info.height === height) return Float32Array.from(raw.data)
  const resized = await sharp(raw.data, { raw: { width: info.width, height: info.height, channels: 3 } })
    .resize(width, height, { fit: 'fill', kernel: RESIZE_KERNEL[resize] })
    .raw()
    .toBuffer()
  return Float32Array.from(resized)
}

/** RGB values in [0, 255], HWC, at the model's size; an empty file is refused before sharp sees it. */
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

export function imageValues(input: Pick<InputSpec, 'width' | 'height'>): number {
  return input.width * input.height * 3
}

export function inputDims(input: InputSpec, n: number): number[] {
  return input.layout === 'NHWC' ? [n, input.height, input.width, 3] : [n, 3, input.height, input.width]
}

/** Decodes one image file into a format-1 input (a [min, max] range) for one image; throws DecodeError on unreadable files. */
export async function decodeForClassifier(bytes: Uint8Array, input: ClassifierMapping['input']): Promise<Float32Array> {
  const spec: InputSpec = { name: input.name, width: input.width, height: input.height, layout: input.layout, normalize: { kind: 'range', range: input.range }, resize: input.resize }
  const out = new Float32Array(imageValues(spec))
  writeNormalised(await decodeRgbAt(bytes, input.width, input.height, input.resize), spec, out, 0)
  return out
}
