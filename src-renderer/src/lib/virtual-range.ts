// Geometry of the virtualised image grid: which rows are in the DOM for a given scroll position.
// Only those rows are rendered, so 10,000 images cost the same as a screenful.
export interface GridGeometry {
  itemCount: number
  columns: number
  rowHeight: number
  viewportHeight: number
  scrollTop: number
  /** Extra rows above and below the viewport, so fast scrolling does not show blanks. */
  overscan: number
}

export interface RowRange {
  firstRow: number
  /** Exclusive. */
  endRow: number
  totalRows: number
  /** Height of the whole scrollable content, in pixels. */
  totalHeight: number
}

export function columnsFor(width: number, minCellWidth: number, gap: number): number {
  if (!(width > 0) || !(minCellWidth > 0)) return 1
  return Math.max(1, Math.floor((width + gap) / (minCellWidth + gap)))
}

export function visibleRows(g: GridGeometry): RowRange {
  const columns = Math.max(1, Math.floor(g.columns))
  const totalRows = Math.ceil(Math.max(0, g.itemCount) / columns)
  const totalHeight = totalRows * g.rowHeight
  if (totalRows === 0 || g.rowHeight <= 0) return { firstRow: 0, endRow: 0, totalRows, totalHeight }
  const top = Math.min(Math.max(0, g.scrollTop), Math.max(0, totalHeight - g.viewportHeight))
  const first = Math.floor(top / g.rowHeight) - g.overscan
  const last = Math.ceil((top + Math.max(0, g.viewportHeight)) / g.rowHeight) + g.overscan
  return { firstRow: Math.max(0, first), endRow: Math.min(totalRows, Math.max(last, 0)), totalRows, totalHeight }
}

/** Item indices [start, end) covered by a row range. */
export function itemSpan(range: RowRange, columns: number, itemCount: number): [number, number] {
  return [Math.min(itemCount, range.firstRow * columns), Math.min(itemCount, range.endRow * columns)]
}

/** Scroll position that brings a row fully into view (unchanged when it already is). */
export function scrollToReveal(row: number, rowHeight: number, viewportHeight: number, scrollTop: number): number {
  const top = row * rowHeight
  const bottom = top + rowHeight
  if (top < scrollTop) return top
  if (bottom > scrollTop + viewportHeight) return Math.max(0, bottom - viewportHeight)
  return scrollTop
}
