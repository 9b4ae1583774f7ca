import { describe, expect, it } from 'vitest'
import { colourShift, meanColourShift, meanRgb } from '../../src-main/core/evaluation/colour'
import { summariseLosses } from '../../src-main/core/evaluation/loss-summary'

describe('colour shift', () => {
  it('averages each channel over pixels and images', () => {
    // Two 1-pixel images: (1, 0, -1) and (0, 0.5, -1)
    expect(meanRgb([1, 0, -1, 0, 0.5, -1], 2)).toEqual([0.5, 0.25, -1])
  })

  it('measures the distance between mean colours', () => {
    const s = colourShift([0.3, 0, 0], [0, 0.4, 0])
    expect(s.delta[0]).toBeCloseTo(0.3, 12)
    expect(s.delta[1]).toBeCloseTo(-0.4, 12)
    expect(s.magnitude).toBeCloseTo(0.5, 12)
  })

  it('averages per-prompt magnitudes so opposite shifts do not cancel', () => {
    expect(
      meanColourShift([
        { sample: [0.1, 0, 0], reference: [0, 0, 0] },
        { sample: [-0.1, 0, 0], reference: [0, 0, 0] }
      ])
    ).toBeCloseTo(0.1, 12)
  })

  it('names bad input', () => {
    expect(() => meanRgb([1, 2], 1)).toThrow(/RGB images/)
    expect(() => meanColourShift([])).toThrow(/no prompts/)
  })
})

describe('summariseLosses', () => {
  it('windows the curve', () => {
    expect(summariseLosses([4, 2, 3, 1, 5], 2)).toEqual([
      { fromStep: 1, toStep: 2, mean: 3, min: 2 },
      { fromStep: 3, toStep: 4, mean: 2, min: 1 },
      { fromStep: 5, toStep: 5, mean: 5, min: 5 }
    ])
  })
})
