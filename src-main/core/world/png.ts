// PNG encoding of rendered images, upscaled nearest-neighbour so a 16x16 figure stays crisp on screen.
// Nearest-neighbour also makes the round trip exact: averaging each k x k block of the PNG gives back
// the 8-bit quantised original, which is how the classifier's mapping reads imported 64x64 samples.

import sharp from 'sharp'
import { CHANNELS } from './renderer'

/** HWC float image in [-1, 1] -> 8-bit RGB, `scale` times larger, nearest-neighbour. */
export function toUint8Upscaled(image: Float32Array, size: number, scale: number): Uint8Array {
  if (image.length !== size * size * CHANNELS) throw new Error(`image has ${image.length} values, expected ${size}x${size}x${CHANNELS}`)
  if (!Number.isInteger(scale) || scale < 1 || scale > 64) throw new Error(`scale must be an integer in [1, 64], got ${String(scale)}`)
  const big = size * scale
  const out = new Uint8Array(big * big * CHANNELS)
  for (let y = 0; y < big; y++) {
    const sy = Math.floor(y / scale)
    for (let x = 0; x < big; x++) {
      const src = (sy * size + Math.floor(x / scale)) * CHANNELS
      const dst = (y * big + x) * CHANNELS
      for (let c = 0; c < CHANNELS; c++) {
        const v = Math.round(((image[src + c] + 1) / 2) * 255)
        out[dst + c] = v < 0 ? 0 : v > 255 ? 255 : v
      }
    }
  }
  return out
}

export async function encodePng(image: Float32Array, size: number, scale = 4): Promise<Buffer> {
  const big = size * scale
  const pixels = toUint8Upscaled(image, size, scale)
  return sharp(Buffer.from(pixels.buffer, pixels.byteOffset, pixels.byteLength), { raw: { width: big, height: big, channels: CHANNELS } })
    .png({ compressionLevel: 9 })
    .toBuffer()
}
