import { describe, expect, it } from 'vitest'
import sharp from 'sharp'
import { decodeForClassifier } from '../../src-main/core/classifier/decode'
import { worldClassifierMapping } from '../../src-main/core/classifier/world-classifier'
import { DEFAULT_ARCHITECTURE } from '../../src-main/core/classifier/model'
import { encodePng } from '../../src-main/core/world/png'
import { renderFigure } from '../../src-main/core/world/renderer'

const input = worldClassifierMapping(DEFAULT_ARCHITECTURE).input
const img = renderFigure({ concept: 'nurse', silhouette: 'round', tone: 'rose' }, 4)

describe('decodeForClassifier', () => {
  it('recovers a render from its 4x nearest-upscaled PNG to 8-bit precision', async () => {
    const x = await decodeForClassifier(await encodePng(img, 16, 4), input)
    expect(x.length).toBe(img.length)
    for (let i = 0; i < img.length; i++) expect(Math.abs(x[i] - img[i])).toBeLessThanOrEqual(1 / 255 + 1e-6)
  })

  it('lays out NCHW channel-first when the mapping asks for it', async () => {
    const png = await encodePng(img, 16, 1)
    const hwc = await decodeForClassifier(png, input)
    const chw = await decodeForClassifier(png, { ...input, layout: 'NCHW' })
    for (let p = 0; p < 256; p++) for (let c = 0; c < 3; c++) expect(chw[c * 256 + p]).toBe(hwc[p * 3 + c])
  })

  it('resizes other sizes and maps [0, 255] onto the declared range', async () => {
    const odd = await sharp({ create: { width: 20, height: 20, channels: 3, background: { r: 255, g: 0, b: 0 } } })
      .png()
      .toBuffer()
    const x = await decodeForClassifier(odd, { ...input, range: [0, 1] })
    expect(x.length).toBe(16 * 16 * 3)
    expect(x[0]).toBeCloseTo(1)
    expect(x[1]).toBeCloseTo(0)
  })
})
