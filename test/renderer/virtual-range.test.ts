import { describe, expect, it } from 'vitest'
import { columnsFor, itemSpan, scrollToReveal, visibleRows } from '../../src-renderer/src/lib/virtual-range'

describe('virtual grid geometry', () => {
  it('fits as many columns as the width allows, at least one', () => {
    expect(columnsFor(1000, 128, 8)).toBe(7)
    expect(columnsFor(128, 128, 8)).toBe(1)
    expect(columnsFor(50, 128, 8)).toBe(1)
    expect(columnsFor(0, 128, 8)).toBe(1)
  })

  it('renders only the rows around the viewport of 10,000 items', () => {
    const g = { itemCount: 10_000, columns: 8, rowHeight: 100, viewportHeight: 600, scrollTop: 50_000, overscan: 2 }
    const r = visibleRows(g)
    expect(r.totalRows).toBe(1250)
    expect(r.totalHeight).toBe(125_000)
    expect(r.firstRow).toBe(498)
    expect(r.endRow).toBe(508)
    expect(itemSpan(r, 8, 10_000)).toEqual([3984, 4064])
  })

  it('clamps at both ends and handles an empty grid', () => {
    expect(visibleRows({ itemCount: 10, columns: 4, rowHeight: 100, viewportHeight: 600, scrollTop: 0, overscan: 3 })).toMatchObject({ firstRow: 0, endRow: 3 })
    const bottom = visibleRows({ itemCount: 1000, columns: 10, rowHeight: 100, viewportHeight: 500, scrollTop: 1e9, overscan: 1 })
    expect(bottom).toMatchObject({ firstRow: 94, endRow: 100 })
    expect(itemSpan(bottom, 10, 995)).toEqual([940, 995])
    expect(visibleRows({ itemCount: 0, columns: 4, rowHeight: 100, viewportHeight: 600, scrollTop: 0, overscan: 3 })).toMatchObject({ firstRow: 0, endRow: 0, totalHeight: 0 })
  })

  it('scrolls just enough to reveal a row', () => {
    expect(scrollToReveal(0, 100, 300, 250)).toBe(0)
    expect(scrollToReveal(5, 100, 300, 0)).toBe(300)
    expect(scrollToReveal(2, 100, 300, 100)).toBe(100)
  })
})
