// Turns an image file (PNG, JPEG, WebP...) into the input tensor a mapping describes: resized to the
// model's size, laid out NHWC or NCHW, and scaled from [0, 255] onto the mapping's range. For the world
// sample's nearest-upscaled PNGs, 'area' resizing by an integer factor returns the render exactly
// (up to 8-bit quantisation).

import sharp from 'sharp'
import type { ClassifierMapping } from './mapping'

/** Box-average an RGB image by an integer factor k in each direction. */
function boxDownscale(rgb: Uint8Array, width: number, k: number): Float32Array {
  const w = width / k
  const h = rgb.length / 3 / width / k
  const out = new Float32Array(w * h * 3)
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++)
      for (let c = 0; c < 3; c++) {
        let s = 0
        for (let dy = 0; dy < k; dy++) for (let dx = 0; dx < k; dx++) s += rgb[((y * k + dy) * width + x * k + dx) * 3 + c]
        out[(y * w + x) * 3 + c] = s / (k * k)
      }
  return out
}

/** Decodes one image file into the model's input for one image; throws a clear error on unreadable files. */
export async function decodeForClassifier(bytes: Uint8Array, input: ClassifierMapping['input']): Promise<Float32Array> {
  let raw: { data: Buffer; info: { width: number; height: number; channels: number } }
  try {
    raw = await sharp(bytes).removeAlpha().toColourspace('srgb').raw().toBuffer({ resolveWithObject: true })
  } catch (e) {
    throw new Error(`cannot decode image: ${(e as Error).message}`)
  }
  const { width, height, channels } = raw.info
  if (channels !== 3) throw new Error(`decoded image has ${channels} channels, expected 3`)
  let hwc: Float32Array
  const k = width / input.width
  if (input.resize === 'area' && Number.isInteger(k) && k >= 1 && height === input.height * k) {
    hwc = boxDownscale(new Uint8Array(raw.data), width, k)
  } else if (width === input.width && height === input.height) {
    hwc = Float32Array.from(raw.data)
  } else {
    const kernel = input.resize === 'nearest' ? 'nearest' : 'mitchell'
    const resized = await sharp(raw.data, { raw: { width, height, channels: 3 } }).resize(input.width, input.height, { fit: 'fill', kernel }).raw().toBuffer()
    hwc = Float32Array.from(resized)
  }
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
