import { describe, expect, it } from 'vitest'
import { placeLabels, wrapTag } from '../../src-renderer/src/lib/components/report/frontier-labels'

const BOUNDS = { left: 58, top: 0, right: 626, bottom: 230 }

describe('frontier point labels', () => {
  it('keeps a short name on one line and breaks a long one after a separator', () => {
    expect(wrapTag('Base model (built in), g 3')).toEqual(['Base model (built in), g 3'])
    expect(wrapTag('Run 1 · PopAlign · step 20, β 1000, g 3')).toEqual(['Run 1 · PopAlign · step 20,', 'β 1000, g 3'])
  })

  it('cuts the second line of a very long name with an ellipsis', () => {
    const lines = wrapTag(`Run 1 · ${'a very long run name '.repeat(6)}· step 20, β 1000, g 3`)
    expect(lines).toHaveLength(2)
    expect(lines.every((l) => l.length <= 30)).toBe(true)
    expect(lines[1].endsWith('…')).toBe(true)
  })

  it('writes a label left of a point near the right edge, so it stays inside the chart', () => {
    const [l] = placeLabels([{ x: 560, y: 100, tag: 'Run 1 · PopAlign · step 20, β 1000, g 3' }], BOUNDS)
    expect(l.anchor).toBe('end')
    expect(l.x).toBeLessThan(560)
  })

  it('moves a second label clear of the first when two points sit together', () => {
    const tag = 'Run 1 · PopAlign · step 20, β 1000, g 3'
    const [a, b] = placeLabels(
      [
        { x: 200, y: 100, tag },
        { x: 202, y: 102, tag }
      ],
      BOUNDS
    )
    // Same side and overlapping rows would collide: either the side or the rows differ.
    const rows = (l: typeof a) => [l.y - 11, l.y - 11 + l.lines.length * 14]
    const [a0, a1] = rows(a)
    const [b0, b1] = rows(b)
    expect(a.anchor !== b.anchor || b0 >= a1 || a0 >= b1).toBe(true)
  })
})
