// Turns an image file (PNG, JPEG, WebP...) into the input tensor a mapping describes: resized to the
// model's size, laid out NHWC or NCHW, and scaled from [0, 255] onto the mapping's range. For the world
// sample's nearest-upscaled PNGs, 'area' resizing by an integer factor returns the render exactly
// (up to 8-bit quantisation).

import sharp from 'sharp'
import type { ClassifierMapping } from './mapping'

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

/** Decodes one image file into the model's input for one image; throws a clear error on unreadable files. */
export async function decodeForClassifier(bytes: Uint8Array, input: ClassifierMapping['input']): Promise<Float32Array> {
  const hwc = await decodeRgbAt(bytes, input.width, input.height, input.resize)
  const [lo, hi] = input.range
  const scale = (hi - lo) / 255
  const n = input.width * input.height
  const out = new Float32Array(n * 3)
  for (let p = 0; p < n; p++)
    for (let c = 0; c < 3; c++) {
      const v = lo + hwc[p * 3 + c] * scale
      if (input.layout === 'NHWC') out[p * 3 + c] = v
      else out[c * n + p] = v
    }
  return out
}
