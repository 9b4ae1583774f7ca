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

/**
 * A contact sheet: `count` images ([count, size, size, 3] HWC in [-1, 1]) in rows of `columns`, each
 * upscaled by `scale`, as one PNG (row r holds images r*columns ... r*columns + columns - 1).
 */
export async function encodeContactSheet(images: Float32Array, count: number, size: number, columns: number, scale = 3): Promise<Buffer> {
  const per = size * size * CHANNELS
  if (images.length !== count * per) throw new Error(`contact sheet: ${images.length} values are not ${count} images of ${size}x${size}x${CHANNELS}`)
  if (!Number.isInteger(columns) || columns < 1) throw new Error(`contact sheet: columns must be a positive integer, got ${columns}`)
  const rows = Math.ceil(count / columns)
  const cell = size * scale
  const width = columns * cell
  const sheet = new Uint8Array(rows * cell * width * CHANNELS).fill(255)
  for (let i = 0; i < count; i++) {
    const tile = toUint8Upscaled(images.subarray(i * per, (i + 1) * per), size, scale)
    const x0 = (i % columns) * cell
    const y0 = Math.floor(i / columns) * cell
    for (let y = 0; y < cell; y++) sheet.set(tile.subarray(y * cell * CHANNELS, (y + 1) * cell * CHANNELS), ((y0 + y) * width + x0) * CHANNELS)
  }
  return sharp(Buffer.from(sheet.buffer), { raw: { width, height: rows * cell, channels: CHANNELS } })
    .png({ compressionLevel: 9 })
    .toBuffer()
}
