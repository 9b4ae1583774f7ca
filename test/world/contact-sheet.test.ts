import sharp from 'sharp'
import { describe, expect, it } from 'vitest'
import { encodeContactSheet } from '../../src-main/core/world/png'

/** A 2x2 image filled with one value per channel. */
const solid = (r: number, g: number, b: number): number[] => Array.from({ length: 4 }, () => [r, g, b]).flat()

describe('contact sheet', () => {
  it('lays images out in rows of `columns`, upscaled, with blank cells after the last image', async () => {
    const images = new Float32Array([...solid(1, -1, -1), ...solid(-1, 1, -1), ...solid(-1, -1, 1)])
    const png = await encodeContactSheet(images, 3, 2, 2, 3)
    const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true })
    expect([info.width, info.height, info.channels]).toEqual([12, 12, 3])
    const at = (x: number, y: number) => Array.from(data.subarray((y * 12 + x) * 3, (y * 12 + x) * 3 + 3))
    expect(at(0, 0)).toEqual([255, 0, 0])
    expect(at(11, 5)).toEqual([0, 255, 0])
    expect(at(3, 8)).toEqual([0, 0, 255])
    expect(at(8, 8)).toEqual([255, 255, 255])
  })

  it('refuses a buffer that is not count images of the size', async () => {
    await expect(encodeContactSheet(new Float32Array(10), 3, 2, 2)).rejects.toThrow(/contact sheet: 10 values/)
  })
})
