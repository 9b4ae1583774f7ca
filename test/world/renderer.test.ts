import { describe, expect, it } from 'vitest'
import sharp from 'sharp'
import { renderFigure } from '../../src-main/core/world/renderer'
import { encodePng, toUint8Upscaled } from '../../src-main/core/world/png'
import { CONCEPTS, SILHOUETTES, TONES, type FigureSpec } from '../../src-main/core/world/taxonomy'

const doctor: FigureSpec = { concept: 'doctor', silhouette: 'round', tone: 'teal' }

function meanAbsDiff(a: Float32Array, b: Float32Array): number {
  let s = 0
  for (let i = 0; i < a.length; i++) s += Math.abs(a[i] - b[i])
  return s / a.length
}

/** Largest per-pixel difference (channel mean), for properties that occupy a small region like the head. */
function maxPixelDiff(a: Float32Array, b: Float32Array): number {
  let best = 0
  for (let i = 0; i < a.length; i += 3) best = Math.max(best, (Math.abs(a[i] - b[i]) + Math.abs(a[i + 1] - b[i + 1]) + Math.abs(a[i + 2] - b[i + 2])) / 3)
  return best
}

/** Average of many renders, so that jitter and noise wash out and only the class difference remains. */
function meanRender(spec: FigureSpec, n: number, seed0: number): Float32Array {
  const acc = new Float32Array(16 * 16 * 3)
  for (let i = 0; i < n; i++) {
    const img = renderFigure(spec, seed0 + i)
    for (let k = 0; k < acc.length; k++) acc[k] += img[k] / n
  }
  return acc
}

describe('renderer', () => {
  it('is deterministic for a seed and differs across seeds', () => {
    const a = renderFigure(doctor, 7)
    const b = renderFigure(doctor, 7)
    const c = renderFigure(doctor, 8)
    expect(Array.from(a)).toEqual(Array.from(b))
    expect(meanAbsDiff(a, c)).toBeGreaterThan(0.01)
  })

  it('returns HWC float32 in [-1, 1] at the requested size', () => {
    for (const size of [16, 24, 32]) {
      const img = renderFigure(doctor, 1, { size })
      expect(img.length).toBe(size * size * 3)
      for (const v of img) {
        expect(v).toBeGreaterThanOrEqual(-1)
        expect(v).toBeLessThanOrEqual(1)
      }
    }
  })

  it('draws the two silhouettes and the six tones visibly differently', () => {
    const base = { concept: 'teacher' as const, tone: 'amber' as const }
    const round = meanRender({ ...base, silhouette: 'round' }, 40, 100)
    const angular = meanRender({ ...base, silhouette: 'angular' }, 40, 100)
    expect(meanAbsDiff(round, angular)).toBeGreaterThan(0.04)
    const tones = TONES.map((tone) => meanRender({ concept: 'chef', silhouette: 'angular', tone }, 40, 300))
    for (let i = 0; i < tones.length; i++) for (let j = i + 1; j < tones.length; j++) expect(maxPixelDiff(tones[i], tones[j]), `${TONES[i]} vs ${TONES[j]}`).toBeGreaterThan(0.2)
  })

  it('draws every concept differently from every other', () => {
    const means = CONCEPTS.map((concept) => meanRender({ concept, silhouette: 'angular', tone: 'slate' }, 30, 500))
    for (let i = 0; i < means.length; i++) for (let j = i + 1; j < means.length; j++) expect(meanAbsDiff(means[i], means[j]), `${CONCEPTS[i]} vs ${CONCEPTS[j]}`).toBeGreaterThan(0.04)
  })

  it('hides both attributes on the astronaut: the same seed gives the same pixels whatever the attributes', () => {
    const ref = renderFigure({ concept: 'astronaut', silhouette: 'round', tone: 'amber' }, 11)
    for (const silhouette of SILHOUETTES) for (const tone of TONES) expect(Array.from(renderFigure({ concept: 'astronaut', silhouette, tone }, 11))).toEqual(Array.from(ref))
  })

  it('rejects specs and sizes outside the taxonomy with a clear message', () => {
    expect(() => renderFigure({ ...doctor, concept: 'wizard' as never }, 1)).toThrow(/unknown concept "wizard"/)
    expect(() => renderFigure({ ...doctor, tone: 'green' as never }, 1)).toThrow(/unknown tone "green"/)
    expect(() => renderFigure(doctor, 1, { size: 3 })).toThrow(/image size/)
  })
})

describe('png', () => {
  it('encodes an upscaled PNG whose blocks average back to the render', async () => {
    const img = renderFigure(doctor, 3)
    const png = await encodePng(img, 16, 4)
    const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true })
    expect([info.width, info.height, info.channels]).toEqual([64, 64, 3])
    expect(Buffer.from(data)).toEqual(Buffer.from(toUint8Upscaled(img, 16, 4)))
    // Block (2, 5) of the PNG holds pixel (2, 5) of the render, quantised to 8 bits.
    const v = data[(2 * 4 * 64 + 5 * 4) * 3] / 255
    expect(Math.abs(v - (img[(2 * 16 + 5) * 3] + 1) / 2)).toBeLessThan(1 / 255)
  })
})
